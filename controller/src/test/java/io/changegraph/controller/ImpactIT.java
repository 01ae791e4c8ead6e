package io.changegraph.controller;

import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.FileEffect;
import io.changegraph.repository.model.RemoteUse;
import io.changegraph.repository.model.Summary;
import io.changegraph.repository.model.SummaryBehaviour;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records real programs and asserts on the summary section that {@code record} writes into the graph: the net
 * file effects, the behaviours, remotes and processes left running, and that no runtime-noise path (loader,
 * libraries, locale, nss, terminfo, devices, /proc/self) is ever listed as a changed file.
 */
@Tag("kernel")
@ExtendWith(RequiresRoot.class)
class ImpactIT {
    private static final Pattern RUNTIME_NOISE = Pattern.compile("^(/etc/ld\\.so\\..*|/lib.*|/usr/lib.*|.*\\.so(\\.[0-9.]+)?"
            + "|/usr/share/locale/.*|/usr/share/terminfo/.*|/etc/nsswitch\\.conf|/etc/localtime|/dev/.*|/proc/.*"
            + "|/usr/share/zoneinfo/.*)$");

    @TempDir
    Path dir;

    @Test
    void sedInPlaceWithABackup_replacesTheConfig_andTheOriginalBecomesTheBackup() throws Exception {
        Path conf = dir.resolve("app.conf");
        Files.writeString(conf, "env=staging\nworkers=2\n");

        Recording r = Recording.bash(dir, "sed -i.bak s/staging/canary/ " + conf);
        Summary summary = summaryOf(r);

        FileEffect replaced = effect(summary, conf.toString());
        assertThat(replaced.effect()).isEqualTo("replaced");
        assertThat(replaced.command()).startsWith("sed -i.bak");
        assertThat(replaced.transients()).isEqualTo(1);   // sed's temp file
        FileEffect backup = effect(summary, conf + ".bak");
        assertThat(backup.effect()).isEqualTo("renamed");
        assertThat(backup.from()).isEqualTo(conf.toString());
        assertThat(Files.readString(conf)).contains("env=canary");
        assertNoRuntimeNoise(summary);
    }

    @Test
    void cronFile_isCreated_andACronChange() throws Exception {
        Path cron = Path.of("/etc/cron.d/changegraph-impact-it-" + ProcessHandle.current().pid());
        try {
            Recording r = Recording.bash(dir, "printf '# changegraph ImpactIT: no job\\n' > " + cron + " && chmod 644 " + cron);
            Summary summary = summaryOf(r);

            FileEffect created = effect(summary, cron.toString());
            assertThat(created.effect()).isEqualTo("created");
            assertThat(created.mode()).isEqualTo("0644");
            assertThat(behaviour(summary, "cron.change", cron.toString())).isPresent();
            assertNoRuntimeNoise(summary);
        } finally {
            Files.deleteIfExists(cron);
        }
    }

    @Test
    void chmodUPlusS_isAModeChange_andSetuid() throws Exception {
        Path tool = dir.resolve("tool");
        Files.writeString(tool, "#!/bin/sh\n");
        Files.setPosixFilePermissions(tool, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));

        Summary summary = summaryOf(Recording.bash(dir, "chmod u+s " + tool));

        FileEffect mode = effect(summary, tool.toString());
        assertThat(mode.effect()).isEqualTo("mode");
        assertThat(mode.mode()).isEqualTo("4755");
        assertThat(behaviour(summary, "file.setuid", tool.toString())).isPresent();
        assertNoRuntimeNoise(summary);
    }

    @Test
    void daemonStartedInTheBackground_isLeftRunning() throws Exception {
        Path pidFile = dir.resolve("daemon.pid");
        Recording r = Recording.bash(dir, "nohup sleep 300 >/dev/null 2>&1 </dev/null & echo $! > " + pidFile);
        try {
            Summary summary = summaryOf(r);
            long pid = Long.parseLong(Files.readString(pidFile).trim());

            assertThat(summary.leftRunning()).anyMatch(l -> l.pid() == pid && l.command().equals("sleep 300"));
            assertThat(summary.behaviours()).anyMatch(b -> b.kind().equals("daemon.left_running"));
            assertThat(effect(summary, pidFile.toString()).effect()).isEqualTo("created");
            assertNoRuntimeNoise(summary);
        } finally {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
    }

    @Test
    void loopbackListenerAndAConnectToIt_areAListenAndARemote() throws Exception {
        int port = 20000 + (int) (ProcessHandle.current().pid() % 20000);
        String server = "import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); "
                + "s.bind(('127.0.0.1'," + port + ")); s.listen(1); c,_=s.accept(); c.recv(10); c.close()";
        String client = "import socket,time\nfor i in range(100):\n try:\n  socket.create_connection(('127.0.0.1'," + port
                + ")).send(b'hi'); break\n except OSError: time.sleep(0.05)";
        Recording r = Recording.bash(dir, "python3 -c \"" + server + "\" & python3 -c \"" + client + "\"; wait");
        Summary summary = summaryOf(r);

        String endpoint = "127.0.0.1:" + port;
        RemoteUse remote = summary.remotes().stream().filter(u -> u.endpoint().equals(endpoint)).findFirst().orElseThrow(
                () -> new AssertionError("no remote " + endpoint + " in " + summary.remotes()));
        assertThat(remote.connects()).isGreaterThan(remote.failed());
        assertThat(behaviour(summary, "network.listen", endpoint)).isPresent();
        assertThat(behaviour(summary, "network.connect", endpoint)).isPresent();
        assertNoRuntimeNoise(summary);
    }

    @Test
    void scriptThatWritesAFileAndRunsIt_createsBothFiles_withTheScriptsMode() throws Exception {
        Path script = dir.resolve("fetched.sh");
        Summary summary = summaryOf(Recording.bash(dir, "printf '#!/bin/sh\\necho hi > " + dir.resolve("out.txt")
                + "\\n' > " + script + " && chmod 755 " + script + " && " + script));

        assertThat(effect(summary, script.toString()).effect()).isEqualTo("created");
        assertThat(effect(summary, script.toString()).mode()).isEqualTo("0755");
        assertThat(effect(summary, dir.resolve("out.txt").toString()).effect()).isEqualTo("created");
        assertThat(effect(summary, dir.resolve("out.txt").toString()).command()).endsWith(script.toString());
        assertNoRuntimeNoise(summary);
    }

    @Test
    void summaryCommand_printsTheSameSummaryAsTheGraphCarries_andBadInputIsOneLine() throws Exception {
        Recording r = Recording.bash(dir, "echo hi > " + dir.resolve("x.txt"));
        Path graph = dir.resolve("graph.json");

        Recording json = Recording.run(null, "summary", graph.toString(), "--format", "json");
        Recording bad = Recording.run(null, "summary", dir.resolve("missing.json").toString());

        assertThat(json.exitCode).isZero();
        assertThat(json.stdout).contains("\"schema\" : \"changegraph-summary/v1\"", dir.resolve("x.txt").toString());
        assertThat(r.stderr).contains("summary: ");
        assertThat(bad.exitCode).isEqualTo(2);
        assertThat(bad.stderr.strip().lines()).hasSize(1);
    }

    @Test
    void routineDeploy_fitsATerminal_withEveryChange_andTheUndeployTellsTheDeletes() throws Exception {
        Path repo = Recording.launcher().getParent().getParent();
        Path deployed = dir.resolve("deploy.json");
        Path undeployed = dir.resolve("undeploy.json");
        Recording deploy;
        Recording undeploy;
        try (FileChannel lockFile = FileChannel.open(Path.of("/run/lock/changegraph-deploy.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
            run(repo.resolve("examples/undeploy.sh").toString());
            deploy = Recording.run(deployed, "record", "-o", deployed.toString(), "--",
                    repo.resolve("examples/deploy.sh").toString(), "--env", "canary");
            undeploy = Recording.run(undeployed, "record", "-o", undeployed.toString(), "--",
                    repo.resolve("examples/undeploy.sh").toString());
        }
        assertThat(deploy.exitCode).as("deploy; stderr: %s", deploy.stderr).isZero();
        Summary summary = summaryOf(deploy);

        Map<String, String> changed = Map.of("/etc/myapp/myapp.conf", "created", "/etc/myapp/myapp.conf.bak", "created",
                "/etc/cron.d/myapp", "created", "/etc/passwd", "replaced", "/etc/group", "replaced", "/etc/shadow", "replaced",
                "/etc/myapp", "mkdir", "/var/lib/myapp", "mkdir", "/var/log/myapp-deploy.log", "created", "/run/myapp.pid", "created");
        changed.forEach((path, how) -> assertThat(effect(summary, path).effect()).as(path).isEqualTo(how));
        assertThat(effect(summary, "/etc/myapp/myapp.conf").mode()).isEqualTo("0640");
        assertThat(summary.files()).noneMatch(f -> f.path().startsWith("/var/cache/man/") || f.path().startsWith("/tmp/myapp-build"));
        assertThat(behaviour(summary, "package.install", "myapp")).isPresent();
        assertThat(behaviour(summary, "user.add", "myapp")).isPresent();
        assertThat(behaviour(summary, "group.add", "myapp")).isPresent();
        assertThat(summary.leftRunning()).anyMatch(l -> l.command().contains("http.server"));
        assertThat(summary.remotes()).anyMatch(u -> u.endpoint().equals("127.0.0.1:18080"));
        assertThat(summary.folded()).containsKeys("runtime_loading", "failed_lookup", "package_subtree");
        assertNoRuntimeNoise(summary);

        Recording text = Recording.run(null, "summary", deployed.toString());
        assertThat(text.stdout.lines().count()).as(text.stdout).isLessThanOrEqualTo(40);
        for (FileEffect f : summary.files()) {
            String name = f.path().substring(f.path().lastIndexOf('/') + 1);
            assertThat(text.stdout).as("text names %s", f.path()).contains(name);
        }

        Summary undone = summaryOf(undeploy);
        assertThat(effect(undone, "/etc/cron.d/myapp").effect()).isEqualTo("deleted");
        assertThat(effect(undone, "/etc/myapp").effect()).isEqualTo("rmdir");
        assertThat(behaviour(undone, "package.remove", "myapp")).isPresent();
        assertNoRuntimeNoise(undone);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    }

    private static Summary summaryOf(Recording r) {
        assertThat(r.graph).as("graph written; stderr: %s", r.stderr).isNotNull();
        assertThat(r.graph.summary()).as("record writes the summary section").isNotNull();
        assertThat(GraphJson.fromJson(GraphJson.toJson(r.graph)).summary()).isEqualTo(r.graph.summary());
        return r.graph.summary();
    }

    private static FileEffect effect(Summary summary, String path) {
        List<FileEffect> at = summary.files().stream().filter(f -> f.path().equals(path)).toList();
        assertThat(at).as("one effect at %s in %s", path, summary.files().stream().map(f -> f.effect() + " " + f.path()).toList())
                .hasSize(1);
        return at.getFirst();
    }

    private static Optional<SummaryBehaviour> behaviour(Summary summary, String kind, String subject) {
        return summary.behaviours().stream().filter(b -> b.kind().equals(kind) && b.subject().equals(subject)).findFirst()
                .or(() -> {
                    throw new AssertionError("no " + kind + " " + subject + " in " + summary.behaviours().stream()
                            .map(b -> b.kind() + " " + b.subject()).toList());
                });
    }

    private static void assertNoRuntimeNoise(Summary summary) {
        assertThat(summary.files()).as("changed files").noneMatch(f -> RUNTIME_NOISE.matcher(f.path()).matches()
                && !f.path().startsWith("/usr/lib/python3/dist-packages/") && !f.path().startsWith("/proc/sys/"));
    }
}
