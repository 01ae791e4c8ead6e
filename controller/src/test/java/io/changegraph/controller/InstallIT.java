package io.changegraph.controller;

import io.changegraph.controller.config.AgentConfig;
import io.changegraph.controller.config.AgentLimits;
import io.changegraph.controller.os.CpuPlacement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code changegraph install}, staged under a temporary root (--destdir) so it touches nothing else. */
class InstallIT {
    @TempDir
    Path root;

    @Test
    void install_putsLauncherJarUnitAndConfig_andKeepsAnExistingConfig() throws Exception {
        AgentProcess.Result r = AgentProcess.run(new ProcessBuilder(Recording.launcher().toString(), "install",
                "--prefix", "/opt/cg", "--destdir", root.toString()));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("ForceCommand /opt/cg/bin/changegraph session")
                .contains("systemctl enable --now changegraph-agent");
        Path launcher = root.resolve("opt/cg/bin/changegraph");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(launcher))).isEqualTo("rwxr-xr-x");
        assertThat(root.resolve("opt/cg/lib/changegraph/changegraph.jar")).isRegularFile();
        assertThat(Files.readString(root.resolve("etc/systemd/system/changegraph-agent.service")))
                .contains("ExecStart=/opt/cg/bin/changegraph agent --config /etc/changegraph/config.yaml")
                .doesNotContain("@PREFIX@");
        Path config = root.resolve("etc/changegraph/config.yaml");
        assertThat(AgentConfig.parse(Files.readString(config), config)).isEqualTo(
                new AgentConfig(AgentConfig.DEFAULT_SOCKET, AgentConfig.DEFAULT_STORE, false, 90,
                        java.time.Duration.ofSeconds(1), null, CpuPlacement.AUTO, config, AgentLimits.defaults()));
        // the installed launcher finds the installed jar
        AgentProcess.Result version = AgentProcess.run(new ProcessBuilder(launcher.toString(), "--version"));
        assertThat(version.stdout()).startsWith("changegraph ");

        Files.writeString(config, "fail_closed: true\n");
        AgentProcess.Result again = AgentProcess.run(new ProcessBuilder(Recording.launcher().toString(), "install",
                "--prefix", "/opt/cg", "--destdir", root.toString()));
        assertThat(again.stdout()).contains("kept the existing");
        assertThat(config).hasContent("fail_closed: true");
    }
}
