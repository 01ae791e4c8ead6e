package io.changegraph.controller;

import io.changegraph.consumer.ProcSnapshot;
import io.changegraph.controller.agent.AgentSession;
import io.changegraph.controller.cli.CheckCommand;
import io.changegraph.controller.record.SessionPipeline;
import io.changegraph.monitor.Monitor;
import io.changegraph.monitor.RuleSet;
import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.store.Journal;
import io.changegraph.repository.store.SessionRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One alert policy: a real recording ({@code record --rules}, live), the same kernel records through an agent
 * session (pipeline with journal and live monitor), that session rebuilt from its journal (an agent restart, or
 * {@code show}), and {@code check} on the recorded graph give the same alerts, with a threshold rule that fires
 * inside edges of many calls and a sequence rule.
 */
@Tag("kernel")
@ExtendWith(RequiresRoot.class)
class PipelineAlertsIT {
    @TempDir
    Path dir;

    @Test
    void alerts_liveRecordAgentJournalReplayAndCheck_areIdentical_withThresholdAndSequenceRules() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path rulesFile = Files.writeString(dir.resolve("rules.yaml"), """
                version: 1
                alerts:
                  log: %s
                  outbox: %s
                rules:
                  - id: busy-open
                    severity: warning
                    description: the same files opened many times
                    verbs: [open]
                    object: {path: ["%s/**"]}
                    threshold: {more_than: 25, window_seconds: 60, per: session}
                  - id: written-then-run
                    severity: warning
                    description: a file written in this session was then executed
                    verbs: [exec]
                    after: {verbs: [write, create, chmod], same_object: true, within_seconds: 60}
                  - id: work-delete
                    severity: info
                    description: a file under work was deleted
                    verbs: [unlink]
                    object: {path: ["%s/**"]}
                """.formatted(dir.resolve("alerts.jsonl"), dir.resolve("outbox"), work, work));
        // 60 opens by bash of two files (two edges of 30 calls each: the threshold fires within them, where an
        // edge replay cannot see it), a script written and run (the sequence), and deletes
        String script = """
                cd %1$s
                for f in a b c; do echo x > $f; done
                for i in $(seq 30); do : < a; : < b; done
                printf '#!/bin/sh\\necho hi\\n' > run.sh; chmod +x run.sh; ./run.sh > /dev/null
                rm a b c run.sh
                """.formatted(work);
        Path raw = dir.resolve("records.bin");
        Recording live = Recording.bash(dir, script, "--rules", rulesFile.toString(), "--raw-records", raw.toString());
        assertThat(live.exitCode).as(live.stderr).isZero();
        GraphDocument recorded = live.graph;
        assertThat(recorded.alerts()).extracting(Alert::ruleId)
                .contains("busy-open", "written-then-run", "work-delete");
        // what an evaluation of the aggregated edges gives instead: the threshold at the edges' first open
        assertThat(Monitor.evaluate(RuleSet.load(rulesFile), recorded)).isNotEqualTo(sorted(recorded.alerts()));
        RuleSet rules = RuleSet.load(rulesFile);
        assertThat(recorded.session().rules()).isEqualTo(rules.digest());

        // the agent: the same records through an agent session (journal, live monitor)
        ProcessNode root = live.root().orElseThrow();
        SessionRecord record = new SessionRecord(recorded.session().id(), recorded.session().host(), "root", 0,
                root.pid(), root.startNs(), "", "", recorded.session().command(), recorded.session().started(), null,
                SessionRecord.State.LIVE, Stats.EMPTY, 0);
        long epochOffsetNs = epochNs(root) - root.startNs();
        Path journalFile = dir.resolve("journal.jsonl");
        GraphDocument agentGraph;
        try (Monitor monitor = Monitor.start(rules, rules.config()); Journal journal = Journal.open(journalFile)) {
            AgentSession session = new AgentSession(record,
                    new SessionPipeline(record.session(), rules, monitor, journal, epochOffsetNs), journal, 0, 0);
            // the stopped stub as /proc showed it when it was followed; its cwd is the test's
            session.pipeline().seed(new ProcSnapshot(root.pid(), root.ppid(), root.startNs(), "/bin/sh", List.of(),
                    Path.of("").toAbsolutePath().toString(), 0, 0, Map.of(), Set.of(), Map.of()));
            try (Arena arena = Arena.ofConfined()) {
                for (byte[] bytes : records(raw)) {
                    MemorySegment segment = arena.allocate(bytes.length, 8);
                    MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
                    session.accept(segment);
                }
            }
            session.flushJournal();
            agentGraph = session.pipeline().finish(recorded.session().ended(), recorded.stats());
        }
        // an agent restart (or `show`): the journal replayed through a fresh pipeline
        GraphDocument rebuilt = SessionPipeline.rebuild(record.with(SessionRecord.State.ENDED,
                recorded.session().ended(), recorded.stats()), journalFile, rules, w -> { });

        // check, offline, on the recorded file
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = new CommandLine(new CheckCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("--rules", rulesFile.toString(), dir.resolve("graph.json").toString());
        assertThat(status).as(err.toString()).isEqualTo(1);

        assertThat(sorted(agentGraph.alerts())).isEqualTo(sorted(recorded.alerts()));
        assertThat(sorted(rebuilt.alerts())).isEqualTo(sorted(recorded.alerts()));
        String summary = dir.resolve("graph.json") + ": ";
        List<String> checkLines = out.toString().lines().filter(l -> !l.startsWith(summary)).toList();
        assertThat(checkLines).containsExactlyElementsOf(sorted(recorded.alerts()).stream()
                .map(a -> Monitor.describe(a, recorded)).toList());
        assertThat(agentGraph.edges()).isEqualTo(recorded.edges());
    }

    private static List<Alert> sorted(List<Alert> alerts) {
        return alerts.stream().sorted(java.util.Comparator.comparing(Alert::time).thenComparing(Alert::ruleId)
                .thenComparing(a -> java.util.Objects.requireNonNullElse(a.edgeTarget(), ""))).toList();
    }

    private static long epochNs(ProcessNode process) {
        return process.started().getEpochSecond() * 1_000_000_000L + process.started().getNano();
    }

    /** The records of {@code --raw-records}: each a 4-byte little-endian length, then the record. */
    private static List<byte[]> records(Path raw) throws java.io.IOException {
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> out = new ArrayList<>();
        while (all.remaining() >= 4) {
            byte[] record = new byte[all.getInt()];
            all.get(record);
            out.add(record);
        }
        return out;
    }
}
