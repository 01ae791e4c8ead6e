package io.changegraph.monitor;

import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Verb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.changegraph.monitor.Fixtures.event;
import static io.changegraph.monitor.Fixtures.file;
import static org.assertj.core.api.Assertions.assertThat;

/** The monitor wired to a live ChangeGraph the way the agent does it. */
class LiveGraphTest {
    @TempDir
    Path dir;

    @Test
    void onEvent_rmUnderEtc_annotatesTheGraphEdge_andLogsWithinOneSecond() throws Exception {
        ChangeGraph graph = new ChangeGraph(new Session("live-1", "h", "root", 100, List.of("bash"), Fixtures.T0, null));
        SessionContext context = SessionContext.of("live-1", graph);
        ProcessNode shell = Fixtures.process(100, 1, "/usr/bin/bash", 0, "bash");
        ProcessNode rm = Fixtures.process(101, 100, "/usr/bin/rm", 0, "rm", "/etc/cg-test");
        Path log = dir.resolve("alerts.jsonl");
        try (Monitor monitor = Monitor.start(RuleSet.load(Fixtures.shippedRules()),
                MonitorConfig.defaults().withAlertLog(log))) {
            for (Event e : List.of(event(0, shell, Verb.SPAWN, rm, null), event(0.1, rm, Verb.EXEC,
                    file("/usr/bin/rm"), null), event(0.2, rm, Verb.UNLINK, file("/etc/cg-test"), null))) {
                graph.apply(e);
                long started = System.nanoTime();
                monitor.onEvent(e, context).forEach(graph::addAlert);
                if (e.verb() == Verb.UNLINK) {
                    while (!Files.exists(log) || Files.readString(log).isEmpty()) {
                        assertThat(System.nanoTime() - started).as("alert logged within 1 s").isLessThan(1_000_000_000L);
                        Thread.sleep(10);
                    }
                }
            }
        }
        GraphDocument snapshot = graph.snapshot();
        Alert alert = snapshot.alerts().getFirst();
        assertThat(alert.ruleId()).isEqualTo("system-file-delete");
        assertThat(snapshot.edges()).extracting(Edge::key)
                .contains(alert.edgeSource() + "|unlink|" + alert.edgeTarget());
        assertThat(Files.readString(log)).contains("\"chain\":\"bash[100] > rm[101]\"");
    }
}
