package io.changegraph.controller.record;

import io.changegraph.monitor.Monitor;
import io.changegraph.monitor.RuleSet;
import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.model.Verb;
import io.changegraph.repository.store.Journal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SessionPipelineTest {
    private static final Instant T0 = Instant.parse("2026-11-21T20:00:00Z");
    private final ProcessNode rm = new ProcessNode(200, 5, 100, "/usr/bin/rm", List.of("rm"), "/", 0, 0, null, null,
            true, T0, null);
    private final Session session = new Session("s-1", "h", "u", 200, List.of("rm"), T0, null);

    @TempDir
    Path dir;

    private RuleSet rules() throws Exception {
        return RuleSet.parse("rules.yaml", """
                version: 1
                alerts: {log: %s, outbox: %s}
                rules:
                  - id: many-deletes
                    severity: warning
                    verbs: [unlink]
                    threshold: {more_than: 2, window_seconds: 10, per: session}
                """.formatted(dir.resolve("alerts.jsonl"), dir.resolve("outbox")), name -> null);
    }

    @Test
    void hooks_snapshotHooksOnEveryDocument_endHooksOnceAfterThem() {
        List<String> calls = new ArrayList<>();
        SessionPipeline pipeline = new SessionPipeline(session, null, null, null, 0)
                .onSnapshot(d -> { calls.add("snapshot"); return d; })
                .atEnd(d -> { calls.add("end"); return new GraphDocument(d.session(), new Stats(99, 0, 0), d.nodes(),
                        d.edges(), d.alerts()); });

        pipeline.snapshot(Stats.EMPTY);
        GraphDocument last = pipeline.finish(T0.plusSeconds(9), Stats.EMPTY);

        assertThat(calls).containsExactly("snapshot", "snapshot", "end");
        assertThat(last.stats().events()).isEqualTo(99);
        assertThat(last.session().ended()).isEqualTo(T0.plusSeconds(9));
        assertThat(last.session().rules()).as("recorded without rules").isNull();
    }

    @Test
    void replay_ofAJournal_givesTheAlertsTheEventsGaveLive_andJournalsNothingAgain() throws Exception {
        RuleSet rules = rules();
        Path journalFile = dir.resolve("journal.jsonl");
        try (Journal journal = Journal.open(journalFile)) {
            for (int i = 0; i < 4; i++) {
                journal.append(Event.once(T0.plusSeconds(i), rm, Verb.UNLINK, FileRef.of("/tmp/f" + i), false, null));
            }
            journal.flush();
        }
        long before = Files.size(journalFile);
        try (Journal journal = Journal.open(journalFile)) {
            SessionPipeline pipeline = new SessionPipeline(session, rules, Monitor.quiet(rules), journal, 0);
            assertThat(pipeline.replay(journalFile).events()).isEqualTo(4);
            journal.flush();
            GraphDocument graph = pipeline.snapshot(Stats.EMPTY);

            assertThat(graph.session().rules()).isEqualTo(rules.digest());
            assertThat(graph.alerts()).extracting(Alert::ruleId, Alert::time)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("many-deletes", T0.plusSeconds(2)));
        }
        assertThat(Files.size(journalFile)).isEqualTo(before);
    }

    @Test
    void rulesAndMonitor_goTogether() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SessionPipeline(session, null, Monitor.quiet(rules()),
                null, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
