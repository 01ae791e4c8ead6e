package io.changegraph.repository.store;

import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.model.Verb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreTest {
    static final Instant T0 = Instant.parse("2026-11-21T20:00:00Z");

    @TempDir
    Path dir;

    static ProcessNode process(int pid, int ppid, String exe, String... argv) {
        return new ProcessNode(pid, pid * 1_000L, ppid, exe, List.of(argv), "/home/alice", 1000, 1000, null, null,
                true, T0, null);
    }

    /** Every object kind, nulls and non-nulls, a failed call, an aggregated write, odd characters. */
    static List<Event> events() {
        ProcessNode bash = process(100, 1, "/usr/bin/bash", "-bash");
        ProcessNode sed = process(101, 100, "/usr/bin/sed", "sed", "-i", "s/a\"b\n/é/", "/etc/app.conf");
        return List.of(
                Event.once(T0.plusMillis(1), bash, Verb.SPAWN, sed, false, null),
                new Event(T0.plusNanos(1_234_567), sed, Verb.WRITE, new FileRef("/etc/app.conf", 42, true), 3, 900, 1,
                        "write"),
                Event.once(T0.plusSeconds(2), sed, Verb.OPEN, new FileRef("<unresolved fd 7>/x", 0, false), true,
                        "read"),
                Event.once(T0.plusSeconds(3), bash, Verb.CONNECT, new RemoteNode("ipv6", "::1", 443), false, null),
                Event.once(T0.plusSeconds(4), bash, Verb.LOAD_MODULE, new ModuleNode("dummy", ""), false, "x=1"),
                Event.once(T0.plusSeconds(5), sed.withExit(null, 9, T0.plusSeconds(5)), Verb.EXIT, sed, false, "9"));
    }

    @Test
    void eventJson_roundTrip_isLosslessAndOneLine() {
        for (Event e : events()) {
            String line = EventJson.toLine(e);
            assertThat(line).doesNotContain("\n");
            assertThat(EventJson.fromLine(line)).isEqualTo(e);
            assertThat(EventJson.toLine(EventJson.fromLine(line))).isEqualTo(line);
        }
    }

    @Test
    void eventJson_keysAreSorted() {
        String line = EventJson.toLine(events().get(1));
        assertThat(line).startsWith("{\"bytes\":900,\"count\":3,\"detail\":\"write\",\"failed\":1,\"object\":");
        assertThat(line).endsWith("\"time\":\"2026-11-21T20:00:00.001234567Z\",\"verb\":\"write\"}");
    }

    @Test
    void eventJson_badLines_areOneLineErrors() {
        assertThatThrownBy(() -> EventJson.fromLine("{\"time\":")).isInstanceOf(JournalFormatException.class)
                .hasMessageStartingWith("not valid JSON");
        String noVerb = EventJson.toLine(events().getFirst()).replace("\"verb\":\"spawn\"", "\"verb\":7");
        assertThatThrownBy(() -> EventJson.fromLine(noVerb)).isInstanceOf(JournalFormatException.class)
                .hasMessage("'verb' must be a string");
    }

    @Test
    void journal_replay_rebuildsTheSameGraphAsLiveApply() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        ChangeGraph live = new ChangeGraph(new io.changegraph.repository.model.Session("s", "h", "alice", 100, List.of(), T0,
                null));
        try (Journal journal = Journal.open(file)) {
            for (Event e : events()) {
                live.apply(e);
                journal.append(e);
            }
            journal.flush();
        }
        ChangeGraph replayed = new ChangeGraph(new io.changegraph.repository.model.Session("s", "h", "alice", 100, List.of(),
                T0, null));
        Journal.ReplayResult result = Journal.replay(file, replayed::apply);
        assertThat(result.events()).isEqualTo(events().size());
        assertThat(result.warning(file)).isNull();
        assertThat(GraphJson.toJson(replayed.snapshot())).isEqualTo(GraphJson.toJson(live.snapshot()));
    }

    @Test
    void journal_appendWithoutFlush_writesNothing_flushWritesAll() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        try (Journal journal = Journal.open(file)) {
            journal.append(events().getFirst());
            assertThat(Files.size(file)).isZero();
            assertThat(journal.pendingBytes()).isPositive();
            journal.flush();
            assertThat(journal.pendingBytes()).isZero();
            assertThat(Files.readAllLines(file)).hasSize(1);
        }
    }

    @Test
    void journal_tornTail_isSkippedWithAWarning_andCutBeforeAppending() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        List<Event> events = events();
        StringBuilder text = new StringBuilder();
        for (Event e : events.subList(0, 3)) {
            text.append(EventJson.toLine(e)).append('\n');
        }
        String torn = EventJson.toLine(events.get(3));
        text.append(torn, 0, torn.length() / 2);
        Files.writeString(file, text);

        List<Event> read = new ArrayList<>();
        Journal.ReplayResult result = Journal.replay(file, read::add);
        assertThat(read).isEqualTo(events.subList(0, 3));
        assertThat(result.tornTail()).isTrue();
        assertThat(result.warning(file)).startsWith("torn last record").contains("line 4");

        try (Journal journal = Journal.open(file)) {
            assertThat(journal.repairedBytes()).isEqualTo(torn.length() / 2);
            journal.append(events.get(4));
            journal.flush();
        }
        read.clear();
        assertThat(Journal.replay(file, read::add).warning(file)).isNull();
        assertThat(read).containsExactly(events.get(0), events.get(1), events.get(2), events.get(4));
    }

    @Test
    void journal_garbageLineInTheMiddle_isSkippedAndTheRestKept() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        Files.writeString(file, EventJson.toLine(events().get(0)) + "\n{\"oops\":1}\n" + EventJson.toLine(events().get(1))
                + "\n");
        List<Event> read = new ArrayList<>();
        Journal.ReplayResult result = Journal.replay(file, read::add);
        assertThat(read).containsExactly(events().get(0), events().get(1));
        assertThat(result.tornTail()).isFalse();
        assertThat(result.warning(file)).startsWith("1 unreadable line(s) skipped").contains("line 2");
    }

    @Test
    void journal_flushFailure_keepsTheUnwrittenBytesForTheNextFlush() throws IOException {
        Path file = dir.resolve("journal.jsonl");
        Journal journal = Journal.open(file);
        journal.append(events().getFirst());
        journal.close();   // a write now fails, as on a full disk
        assertThatThrownBy(journal::flush).isInstanceOf(IOException.class);
        assertThat(journal.pendingBytes()).isEqualTo(EventJson.toLine(events().getFirst()).getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1);
        assertThat(Files.size(file)).isZero();
    }

    @Test
    void store_sessionRecord_roundTrips_andDirectoriesAre0700() throws IOException {
        SessionStore store = new SessionStore(dir.resolve("store")).create();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.root()))).isEqualTo("rwx------");
        String id = store.newId("host one", 4242, T0);
        assertThat(id).isEqualTo("20261121T200000Z-host_one-4242");
        assertThat(store.newId("host one", 4242, T0)).isEqualTo(id + "-2");
        SessionRecord record = new SessionRecord(id, "host one", "alice", 1000, 4242, 77, "10.0.0.1 5555 10.0.0.2 22",
                "/dev/pts/3", List.of("-bash"), T0, null, SessionRecord.State.LIVE, new Stats(3, 1, 2), 0);
        store.write(record);
        assertThat(store.read(id)).contains(record);
        assertThat(store.list(p -> { })).containsExactly(record);
        assertThat(store.read("../etc")).isEmpty();
        assertThatThrownBy(() -> store.directory("../x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void store_rebuild_replaysTheJournal_andPruneRemovesOnlyOldFinishedSessions() throws IOException {
        SessionStore store = new SessionStore(dir.resolve("store")).create();
        String oldId = store.newId("h", 1, T0);
        String liveId = store.newId("h", 2, T0);
        SessionRecord old = new SessionRecord(oldId, "h", "alice", 1000, 1, 1, "", "", List.of("sh"), T0,
                T0.plusSeconds(5), SessionRecord.State.ENDED, Stats.EMPTY, 0);
        SessionRecord live = new SessionRecord(liveId, "h", "bob", 1001, 2, 2, "", "", List.of("sh"), T0, null,
                SessionRecord.State.LIVE, Stats.EMPTY, 0);
        store.write(old);
        store.write(live);
        try (Journal journal = Journal.open(store.journal(oldId))) {
            events().forEach(journal::append);
            journal.flush();
        }
        Files.writeString(store.journal(oldId), "{\"torn", StandardOpenOption.APPEND);
        List<String> warnings = new ArrayList<>();
        GraphDocument graph = store.rebuild(old, warnings::add);
        assertThat(graph.stats().events()).isEqualTo(events().size());
        assertThat(graph.session().ended()).isEqualTo(T0.plusSeconds(5));
        assertThat(graph.nodes()).extracting(n -> n.kind()).contains("process", "file", "remote", "module");
        assertThat(warnings).singleElement().asString().startsWith("torn last record");
        assertThat(GraphJson.toJson(store.rebuild(old, w -> { }))).isEqualTo(GraphJson.toJson(graph));

        assertThat(store.prune(T0.plusSeconds(1), p -> { })).isEmpty();
        assertThat(store.prune(T0.plusSeconds(3600), p -> { })).containsExactly(oldId);
        assertThat(store.list(p -> { })).extracting(SessionRecord::id).containsExactly(liveId);
    }
}
