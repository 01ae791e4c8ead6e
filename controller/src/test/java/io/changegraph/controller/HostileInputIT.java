package io.changegraph.controller;

import io.changegraph.controller.config.AgentConfig;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Verb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a hostile test found, as a user runs it (bin/changegraph): FIFOs, devices, deep and huge JSON and YAML,
 * trailing garbage, bad agent paths, a broken config under the session wrapper. Each is exit 2 with one line
 * (never a stack trace, an OutOfMemoryError or a hang), except the wrapper, which lets the login go on.
 */
class HostileInputIT {
    private static final Path RULES = Recording.launcher().getParent().getParent().resolve("rules.yaml");

    @TempDir
    Path dir;

    private Path graph() {
        ChangeGraph g = new ChangeGraph(new Session("s", "host", "ops", 10, List.of("bash"), Instant.EPOCH, null));
        ProcessNode bash = new ProcessNode(10, 1, 1, "/usr/bin/bash", List.of("bash"), "/root", 0, 0, null, null, true,
                Instant.EPOCH, null);
        g.apply(Event.once(Instant.EPOCH, bash, Verb.UNLINK, FileRef.of("/tmp/x"), false, null));
        Path file = dir.resolve("good.json");
        GraphJson.write(g.snapshot(), file);
        return file;
    }

    private static void assertOneLine(Recording r, long startNanos, String... contains) {
        assertThat(r.exitCode).as(r.stderr).isEqualTo(2);
        assertThat(r.stderr.strip()).doesNotContain("\n").doesNotContain("Exception").doesNotContain("OutOfMemory")
                .contains(contains);
        assertThat(System.nanoTime() - startNanos).as("seconds").isLessThan(20_000_000_000L);
    }

    private static Recording run(String... args) throws Exception {
        return Recording.run(null, args);
    }

    @Test
    void exportCheckDiff_devZeroAndFifo_areOneLineExit2_atOnce() throws Exception {
        Path fifo = dir.resolve("fifo.json");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        String good = graph().toString();
        for (String bad : List.of("/dev/zero", fifo.toString())) {
            long t = System.nanoTime();
            assertOneLine(run("export", bad), t, "not a regular file");
            assertOneLine(run("check", "--rules", RULES.toString(), bad), t, "not a regular file");
            assertOneLine(run("diff", good, bad), t, "not a regular file");
            Recording rules = run("rules", "check", bad);   // a problem line, then how many problems
            assertThat(rules.exitCode).isEqualTo(2);
            assertThat(rules.stderr).contains("not a regular file").doesNotContain("Exception");
            assertOneLine(run("serve", "--port", "0", bad), t, "not a regular file");
        }
    }

    @Test
    void deepJson_trailingGarbage_notUtf8_areOneLineExit2() throws Exception {
        String good = Files.readString(graph());
        Path deep = Files.writeString(dir.resolve("deep.json"), good.replaceFirst("\\{", "{\"x\": " + "[".repeat(5000)
                + "]".repeat(5000) + ","));
        Path trailing = Files.writeString(dir.resolve("trailing.json"), good + "garbage");
        Path latin1 = Files.write(dir.resolve("latin1.json"), good.replace("/tmp/x", "/tmp/caf\u00e9")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        long t = System.nanoTime();
        assertOneLine(run("export", deep.toString()), t, "CHANGEGRAPH_MAX_DEPTH");
        assertOneLine(run("check", "--rules", RULES.toString(), deep.toString()), t, "CHANGEGRAPH_MAX_DEPTH");
        assertOneLine(run("diff", deep.toString(), deep.toString()), t, "CHANGEGRAPH_MAX_DEPTH");
        assertOneLine(run("export", trailing.toString()), t, "trailing.json is not valid JSON");
        Path second = Files.writeString(dir.resolve("second.json"), good + "{}");
        assertOneLine(run("export", second.toString()), t, "content after the graph");
        assertOneLine(run("export", latin1.toString()), t, "not UTF-8");
        Recording raised = Recording.run(Map.of("CHANGEGRAPH_MAX_DEPTH", "20000"), null, "export", deep.toString());
        assertThat(raised.exitCode).as(raised.stderr).isZero();
    }

    @Test
    void rulesCheck_aTwentyMegabyteScalar_isRefusedInSeconds() throws Exception {
        Path huge = Files.writeString(dir.resolve("huge.yaml"), "rules:\n  - id: " + "x".repeat(20 << 20) + "\n");
        long t = System.nanoTime();
        Recording r = run("rules", "check", huge.toString());
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.stderr).contains("larger than the 16 MiB limit").contains("CHANGEGRAPH_MAX_CONFIG_MB")
                .doesNotContain("Exception");
        Path long4 = Files.writeString(dir.resolve("long.yaml"), "rules:\n  - id: " + "x".repeat(4 << 20) + "\n");
        r = run("rules", "check", long4.toString());
        assertThat(r.stderr).contains("line 2 is longer than 1024 KiB").contains("CHANGEGRAPH_MAX_STRING_KB");
        assertThat(System.nanoTime() - t).isLessThan(10_000_000_000L);
    }

    @Test
    void agent_storeIsAFile_socketUnderAFile_socketIsAFile_exit2OneLine_andNothingIsDeleted() throws Exception {
        Path file = Files.writeString(dir.resolve("precious"), "keep me");
        long t = System.nanoTime();
        Path c1 = Files.writeString(dir.resolve("c1.yaml"), "store: /etc/passwd\nsocket: " + dir.resolve("a.sock") + "\n");
        assertOneLine(run("agent", "--config", c1.toString()), t, "store /etc/passwd", "not a directory");
        Path c2 = Files.writeString(dir.resolve("c2.yaml"), "store: " + dir.resolve("store") + "\nsocket: "
                + file.resolve("missing/agent.sock") + "\n");
        assertOneLine(run("agent", "--config", c2.toString()), t, "socket's directory", "not a directory");
        Path c3 = Files.writeString(dir.resolve("c3.yaml"), "store: " + dir.resolve("store") + "\nsocket: " + file + "\n");
        assertOneLine(run("agent", "--config", c3.toString()), t, "exists and is not a socket");
        assertThat(Files.readString(file)).isEqualTo("keep me");
        Path c4 = Files.writeString(dir.resolve("c4.yaml"), "store: [" + "[".repeat(3000) + "\n");
        assertOneLine(run("agent", "--config", c4.toString()), t, "c4.yaml");
    }

    @Test
    void session_brokenConfig_letsTheLoginGoOn_unlessItSaysFailClosed() throws Exception {
        Path deep = Files.writeString(dir.resolve("deep.yaml"), "socket: " + dir.resolve("none.sock") + "\nx: "
                + "[".repeat(3000) + "]".repeat(3000) + "\n");
        Recording open = run("session", "--config", deep.toString(), "--", "/bin/sh", "-c", "echo ran; exit 5");
        assertThat(open.exitCode).as(open.stderr).isEqualTo(5);
        assertThat(open.stdout).contains("ran");
        assertThat(open.stderr).contains("warning").contains("using the defaults").doesNotContain("Exception");
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(AgentConfig.DEFAULT_SOCKET),
                "an agent on the default socket would record the session");
        Path closed = Files.writeString(dir.resolve("closed.yaml"), "fail_closed: true\nsocket: [[[\n");
        Recording denied = run("session", "--config", closed.toString(), "--", "/bin/sh", "-c", "echo ran");
        assertThat(denied.stdout).doesNotContain("ran");
        assertThat(denied.exitCode).as(denied.stderr).isEqualTo(1);
    }
}
