package io.changegraph.forward;

import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.model.Verb;
import io.changegraph.repository.store.EventJson;
import io.changegraph.repository.store.Journal;
import io.changegraph.repository.store.SessionRecord;
import io.changegraph.repository.store.SessionStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Sessions written into a real store the way the agent writes them: record, journal, graph file. */
final class Sessions {
    private static final ProcessNode SHELL = new ProcessNode(4242, 77L, 1, "/usr/bin/bash", List.of("bash", "-c", "x"),
            "/root", 0, 0, null, null, true, Instant.parse("2026-12-06T09:00:00Z"), null);

    private Sessions() {
    }

    static SessionRecord live(SessionStore store, String host, Instant started) throws IOException {
        String id = store.newId(host, 4242, started);
        SessionRecord r = new SessionRecord(id, host, "root", 0, 4242, 77L, "", "", List.of("bash", "-c", "x"),
                started, null, SessionRecord.State.LIVE, Stats.EMPTY, 0);
        store.write(r);
        return r;
    }

    /** Appends {@code n} events (each a distinct file) from index {@code from}. */
    static void append(SessionStore store, SessionRecord r, int from, int n) throws IOException {
        try (Journal journal = Journal.open(store.journal(r.id()))) {
            for (int i = from; i < from + n; i++) {
                journal.append(event(i));
            }
            journal.flush();
        }
    }

    static Event event(int i) {
        return Event.once(Instant.parse("2026-12-06T09:00:00Z").plusMillis(i), SHELL, Verb.OPEN,
                FileRef.of("/etc/changegraph-test/file-" + i), false, null);
    }

    /** Ends the session as the agent does: the final graph file first, then the record. */
    static SessionRecord end(SessionStore store, SessionRecord r) throws IOException {
        SessionRecord ended = r.with(SessionRecord.State.ENDED, r.started().plusSeconds(60), r.stats());
        GraphJson.write(store.rebuild(ended, w -> { }), store.graph(r.id()));
        store.write(ended);
        return ended;
    }

    static List<String> journalLines(SessionStore store, SessionRecord r) throws IOException {
        return Files.readAllLines(store.journal(r.id()));
    }

    static String line(int i) {
        return EventJson.toLine(event(i));
    }
}
