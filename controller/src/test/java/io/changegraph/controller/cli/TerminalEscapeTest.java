package io.changegraph.controller.cli;

import io.changegraph.controller.os.Host;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.model.Verb;
import io.changegraph.repository.store.Journal;
import io.changegraph.repository.store.SessionRecord;
import io.changegraph.repository.store.SessionStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * User-controlled text (argv, file names, tty) with terminal escape codes reaches no terminal raw: one test per
 * command that prints it. The payload clears the screen, retitles the window and rings the bell.
 */
class TerminalEscapeTest {
    private static final String PAYLOAD = "true \u001b[2J\u001b]0;PWNED\u0007\u009b31m\u007f";
    private static final Path RULES = Path.of("../rules.yaml").toAbsolutePath();

    @TempDir
    Path dir;
    private Path graph;
    private Path other;

    private record Output(int exitCode, String out, String err) {
        void assertInert() {
            for (String text : List.of(out, err)) {
                assertThat(text.chars().filter(c -> c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c <= 0x9f).count())
                        .as(text).isZero();
            }
        }
    }

    private static Output run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Output(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private Path graph(String name, String path) {
        ChangeGraph g = new ChangeGraph(new Session(name, "host", "ops", 10, List.of("bash", "-c", PAYLOAD),
                Instant.EPOCH, null));
        ProcessNode bash = new ProcessNode(10, 1, 1, "/usr/bin/bash", List.of("bash", "-c", PAYLOAD), "/root", 0, 0,
                null, null, true, Instant.EPOCH, null);
        g.apply(Event.once(Instant.EPOCH, bash, Verb.UNLINK, FileRef.of(path), false, null));
        Path file = dir.resolve(name + ".json");
        GraphJson.write(g.snapshot(), file);
        return file;
    }

    @BeforeEach
    void graphs() {
        graph = graph("a", "/etc/" + PAYLOAD);
        other = graph("b", "/etc/other" + PAYLOAD);
    }

    @Test
    void export_eachFormat_printsNoRawControlCharacter() {
        for (String format : List.of("json", "dot", "graphml", "cypher")) {
            Output r = run("export", graph.toString(), "--format", format);
            assertThat(r.exitCode).as(r.err).isZero();
            assertThat(r.out).contains("PWNED");
            r.assertInert();
        }
    }

    @Test
    void summary_eachFormat_printsNoRawControlCharacter() {
        for (String format : List.of("text", "markdown", "json")) {
            Output r = run("summary", graph.toString(), "--format", format);
            assertThat(r.exitCode).as(r.err).isZero();
            r.assertInert();
        }
    }

    @Test
    void check_hitOnAnEscapeCodePath_printsItEscaped() {
        Output r = run("check", "--rules", RULES.toString(), graph.toString());
        assertThat(r.exitCode).as(r.out + r.err).isEqualTo(1);
        assertThat(r.out).contains("\\u001B[2J");
        r.assertInert();
    }

    @Test
    void diff_textAndJson_printNoRawControlCharacter() {
        Output text = run("diff", graph.toString(), other.toString());
        assertThat(text.exitCode).isEqualTo(1);
        assertThat(text.out).contains("PWNED");
        text.assertInert();
        Output json = run("diff", "--json", graph.toString(), other.toString());
        json.assertInert();
    }

    @Test
    void rulesCheck_problemQuotingTheFile_isEscaped() throws Exception {
        Path rules = Files.writeString(dir.resolve("r.yaml"), "rules:\n  - id: x\n    \"" + "k\\e[2J\\a" + "\": 1\n");
        Output r = run("rules", "check", rules.toString());
        assertThat(r.exitCode).isEqualTo(2);
        r.assertInert();
        Output graphAsRules = run("check", "--rules", rules.toString(), graph.toString());
        graphAsRules.assertInert();
    }

    @Test
    void errorMessages_quotingAFileName_areEscaped() {
        Output r = run("export", dir.resolve("missing" + PAYLOAD + ".json").toString());
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("missing");
        r.assertInert();
    }

    @Test
    void sessionsAndShow_offlineStore_printEscapedArgvAndTty() throws Exception {
        assumeTrue(Host.currentUid() == 0, "reading the store without the agent is root's");
        SessionStore store = new SessionStore(dir.resolve("store")).create();
        Session session = new Session("s2", "host", "ops", 10, List.of("bash", "-c", PAYLOAD), Instant.EPOCH, null);
        String id = store.newId("host", 10, Instant.EPOCH);
        SessionRecord record = new SessionRecord(id, "host", "ops", 1000, 10, 1, "10.0.0.1 22 " + PAYLOAD,
                "/dev/pts/" + PAYLOAD, List.of("bash", "-c", PAYLOAD), Instant.EPOCH, Instant.EPOCH.plusSeconds(1),
                SessionRecord.State.ENDED, Stats.EMPTY, 0);
        store.write(record);
        try (Journal journal = Journal.open(store.journal(id))) {
            journal.flush();
        }
        GraphJson.write(new ChangeGraph(session).snapshot(), store.graph(id));
        Path config = Files.writeString(dir.resolve("config.yaml"), "socket: " + dir.resolve("none.sock")
                + "\nstore: " + store.root() + "\n");
        Output sessions = run("sessions", "--config", config.toString());
        assertThat(sessions.exitCode).as(sessions.err).isZero();
        assertThat(sessions.out).contains(id).contains("PWNED");
        sessions.assertInert();
        Output json = run("sessions", "--json", "--config", config.toString());
        json.assertInert();
        for (String format : List.of("json", "dot", "cypher")) {
            Output show = run("show", id, "--format", format, "--config", config.toString());
            assertThat(show.exitCode).as(show.err).isZero();
            show.assertInert();
        }
    }
}
