package io.changegraph.controller.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Verb;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveSummariesTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private final ChangeGraph graph = new ChangeGraph(new Session("s-1", "host", "root", 100, List.of("sh"), T0, null));
    private final ProcessNode sh = new ProcessNode(100, 1L, 1, "/bin/sh", List.of("sh"), "/", 0, 0, null, null, true, T0, null);
    private final LiveSummaries summaries = new LiveSummaries();

    private void write(String path, int at) {
        graph.apply(Event.once(T0.plusMillis(at), sh, Verb.CREATE, FileRef.of(path), false, "write,create,truncate"));
    }

    @Test
    void snapshotWithoutNewEvents_reusesTheSummary_andTheEndedSessionGetsAFreshOne() {
        write("/etc/a.conf", 1);
        GraphDocument first = summaries.attach(graph.snapshot());
        GraphDocument again = summaries.attach(graph.snapshot());

        write("/etc/b.conf", 2);
        graph.apply(Event.once(T0.plusMillis(3), sh.withExit(0, null, T0.plusMillis(3)), Verb.EXIT, sh, false, "0"));
        graph.endSession(T0.plusMillis(4));
        GraphDocument done = summaries.attach(graph.snapshot());

        assertThat(first.summary().files()).extracting(f -> f.path()).containsExactly("/etc/a.conf");
        assertThat(again.summary()).isSameAs(first.summary());
        assertThat(done.summary().files()).extracting(f -> f.path()).containsExactly("/etc/a.conf", "/etc/b.conf");
    }
}
