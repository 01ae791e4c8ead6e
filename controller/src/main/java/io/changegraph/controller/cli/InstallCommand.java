package io.changegraph.controller.cli;

import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.UsageException;
import io.changegraph.controller.config.AgentConfig;
import io.changegraph.controller.os.Host;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.changegraph.repository.io.AtomicFile;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;

@Command(name = "install", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Installs the launcher, the jar, the systemd unit of the agent and a default configuration"
                + " (kept when one exists), then prints the sshd_config line to add. Run as root."},
        footer = {"", "Example: sudo bin/changegraph install && sudo systemctl enable --now changegraph-agent"})
final class InstallCommand implements Callable<Integer> {
    private static final String PACKAGING = "packaging/";

    @Option(names = "--prefix", defaultValue = "/usr/local", paramLabel = "DIR",
            description = "installs DIR/bin/changegraph and DIR/lib/changegraph/changegraph.jar (default ${DEFAULT-VALUE})")
    Path prefix;

    @Option(names = "--destdir", paramLabel = "DIR", hidden = true,
            description = "stage everything under DIR instead of / (packaging, tests)")
    Path destdir;

    @Override
    public Integer call() throws IOException {
        if (!prefix.isAbsolute()) {
            throw new UsageException("--prefix must be an absolute directory, not " + prefix);
        }
        if (destdir == null && Host.currentUid() != 0) {
            throw new UsageException("install writes to " + prefix + ", /etc/systemd/system and /etc/changegraph: run it"
                    + " as root (sudo)");
        }
        Path jar = runningJar();
        Path launcher = jar.getParent().getParent().getParent().resolve("bin/changegraph");
        if (!Files.isRegularFile(launcher)) {
            throw new UsageException("the launcher is not next to " + jar + " (expected " + launcher + "): run install"
                    + " from a built source tree (bin/changegraph install)");
        }
        Path bin = staged(prefix.resolve("bin/changegraph"));
        Path lib = staged(prefix.resolve("lib/changegraph/changegraph.jar"));
        Path unit = staged(Path.of("/etc/systemd/system/changegraph-agent.service"));
        Path config = staged(AgentConfig.DEFAULT_FILE);
        copy(launcher, bin, "rwxr-xr-x");
        copy(jar, lib, "rw-r--r--");
        write(unit, resource("changegraph-agent.service").replace("@PREFIX@", prefix.toString()), "rw-r--r--");
        boolean keptConfig = Files.exists(config);
        if (!keptConfig) {
            write(config, resource("config.yaml"), "rw-r--r--");
        }
        System.out.println("installed " + bin + ", " + lib + ", " + unit + (keptConfig ? " (kept the existing " + config
                + ")" : ", " + config));
        System.out.println("next:");
        System.out.println("  systemctl daemon-reload && systemctl enable --now changegraph-agent");
        System.out.println("  add to /etc/ssh/sshd_config (all users, or inside a 'Match Group ops' block):");
        System.out.println("    ForceCommand " + prefix.resolve("bin/changegraph") + " session");
        System.out.println("  then: sshd -t && systemctl reload ssh      (see docs/ssh.md)");
        return ExitCodes.OK;
    }

    private Path staged(Path path) {
        return destdir == null ? path : destdir.resolve(path.toString().substring(1));
    }

    private static Path runningJar() {
        try {
            Path jar = Path.of(InstallCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(jar) || !jar.toString().endsWith(".jar")) {
                throw new UsageException("install must run from changegraph.jar (bin/changegraph install), not " + jar);
            }
            return jar;
        } catch (URISyntaxException e) {
            throw new UsageException("cannot tell where changegraph.jar is: " + e.getMessage());
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = InstallCommand.class.getResourceAsStream(PACKAGING + name)) {
            if (in == null) {
                throw new UsageException(PACKAGING + name + " is missing from the jar: rebuild it (scripts/build.sh)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void copy(Path from, Path to, String mode) throws IOException {
        Files.createDirectories(to.getParent());
        AtomicFile.write(to, PosixFilePermissions.fromString(mode), out -> Files.copy(from, out));
    }

    private static void write(Path to, String text, String mode) throws IOException {
        Files.createDirectories(to.getParent());
        Files.writeString(to, text);
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(mode));
    }
}
