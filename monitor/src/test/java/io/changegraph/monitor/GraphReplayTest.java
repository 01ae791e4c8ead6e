package io.changegraph.monitor;

import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Ids;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.model.Verb;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Offline check: a recorded graph replayed through the shipped rules. */
class GraphReplayTest {
    private static final Instant T = Fixtures.T0;

    private static FileNode fileNode(String... paths) {
        return new FileNode(Ids.file(paths[0], 0), paths[paths.length - 1], List.of(paths), 0, true, false);
    }

    private static Edge edge(ProcessNode source, String target, Verb verb, int second, String... details) {
        return new Edge(source.id(), target, verb, 1, 0, 0, T.plusSeconds(second), T.plusSeconds(second),
                List.of(details));
    }

    @Test
    void evaluate_recordedSession_annotatesRiskyEdgesOnly() throws RulesException {
        ProcessNode dpkg = Fixtures.process(50, 1, "/usr/bin/dpkg", 0, "dpkg", "-i", "x.deb");
        ProcessNode postinst = Fixtures.process(51, 50, "/usr/bin/sh", 0, "sh", "postinst");
        ProcessNode shell = Fixtures.process(100, 1, "/usr/bin/bash", 0, "bash");
        ProcessNode rm = Fixtures.process(101, 100, "/usr/bin/rm", 0, "rm", "/etc/cg-test");
        ProcessNode sed = Fixtures.process(102, 100, "/usr/bin/sed", 0, "sed", "-i", "s/a/b/", "/etc/passwd");
        FileNode etcTest = fileNode("/etc/cg-test");
        FileNode dpkgConf = fileNode("/etc/dpkg.conf");
        FileNode sedTemp = fileNode("/etc/sedAb12", "/etc/passwd");
        FileNode script = fileNode("/usr/local/bin/tool");
        GraphDocument graph = new GraphDocument(
                new Session("rec-1", "host", "root", 100, List.of("bash"), T, T.plusSeconds(60)), Stats.EMPTY,
                List.of(dpkg, postinst, shell, rm, sed, etcTest, dpkgConf, sedTemp, script),
                List.of(edge(shell, rm.id(), Verb.SPAWN, 0), edge(shell, sed.id(), Verb.SPAWN, 2),
                        edge(dpkg, postinst.id(), Verb.SPAWN, 0),
                        edge(rm, etcTest.id(), Verb.UNLINK, 1),
                        edge(postinst, dpkgConf.id(), Verb.UNLINK, 1),
                        edge(sed, sedTemp.id(), Verb.RENAME, 3, "/etc/passwd"),
                        edge(shell, script.id(), Verb.CHMOD, 4, "0755", "4755")),
                List.of());

        List<Alert> alerts = Monitor.evaluate(RuleSet.load(Fixtures.shippedRules()), graph);

        assertThat(alerts).extracting(Alert::ruleId, Alert::edgeSource, Alert::edgeTarget).containsExactly(
                tuple("system-file-delete", rm.id(), etcTest.id()),
                tuple("credentials-write", sed.id(), sedTemp.id()),   // sed -i is an edit, not a rename
                tuple("setuid-chmod", shell.id(), script.id()));
        assertThat(alerts.getFirst().severity()).isEqualTo("critical");
        assertThat(alerts.getFirst().time()).isEqualTo(T.plusSeconds(1));
    }
}
