package io.changegraph.repository.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Verb;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GraphDiffTest {
    private static final DiffOptions DEFAULTS = DiffOptions.defaults();

    private static DeployRun otherUser() {
        DeployRun run = DeployRun.otherHonestRun();
        run.user = "bob";
        run.home = "/home/bob";
        return run;
    }

    @Test
    void diff_sameScriptRecordedTwice_hasNoDifference() {
        DiffReport report = GraphDiff.compare(new DeployRun().record(), DeployRun.otherHonestRun().record(), DEFAULTS);

        assertThat(report.differences()).isEmpty();
        assertThat(report.hasDifferences()).isFalse();
        assertThat(report.text()).contains("no differences");
    }

    @Test
    void diff_withoutNormalisation_seesTheTempNames() {
        DiffOptions raw = DEFAULTS.withNormalization(Normalization.none());

        DiffReport report = GraphDiff.compare(new DeployRun().record(), DeployRun.otherHonestRun().record(), raw);

        assertThat(report.differences()).extracting(Difference::target)
                .contains("cp /home/alice/deploy/app.tar /tmp/tmp.Xy3kQ9aB1c/app.tar", "/etc/sedAb12Cd -> /etc/app.conf",
                        "/proc/1001/status", "/proc/52312/status");
    }

    @Test
    void diff_otherUserInOtherHome_hasNoDifferenceWithDefaultNormalisation() {
        DiffReport report = GraphDiff.compare(new DeployRun().record(), otherUser().record(), DEFAULTS);

        assertThat(report.differences()).isEmpty();
    }

    @Test
    void diff_rootUserInRootHome_hasNoDifferenceWithDefaultNormalisation() {
        DeployRun root = DeployRun.otherHonestRun();
        root.user = "root";
        root.home = "/root";

        assertThat(GraphDiff.compare(new DeployRun().record(), root.record(), DEFAULTS).differences()).isEmpty();
    }

    @Test
    void diff_extraRm_isOnlyInProductionAsOneBehaviour() {
        DeployRun production = DeployRun.otherHonestRun();
        production.extras.add(script -> {
            ProcessNode rm = script.spawn(30, "/usr/bin/rm", "rm", "/etc/cg-test-file");
            script.graph().apply(Event.once(script.run().at(30), rm, Verb.OPEN, FileRef.of("/etc/ld.so.cache"), false, "read"));
            script.graph().apply(Event.once(script.run().at(30), rm, Verb.UNLINK, FileRef.of("/etc/cg-test-file"), false, null));
        });

        DiffReport report = GraphDiff.compare(new DeployRun().record(), production.record(), DEFAULTS);

        assertThat(report.differences()).hasSize(1);
        Difference rm = report.differences().getFirst();
        assertThat(rm.status()).isEqualTo(DiffStatus.ONLY_PRODUCTION);
        assertThat(rm.importance()).isEqualTo(Importance.DESTRUCTIVE);
        assertThat(rm.verb()).isEqualTo(Verb.SPAWN);
        assertThat(rm.target()).isEqualTo("rm /etc/cg-test-file");
        assertThat(rm.ancestry()).containsExactly("bash -l", "bash ~/deploy/deploy.sh");
        assertThat(rm.effects()).containsExactly("unlink /etc/cg-test-file", "exec /usr/bin/rm", "open /etc/ld.so.cache");
        assertThat(report.text()).contains("\nbash -l > bash ~/deploy/deploy.sh\n  + spawn         rm /etc/cg-test-file",
                "      unlink /etc/cg-test-file\n");
    }

    @Test
    void diff_extraUnlinkInSameProcess_isExactlyThatBehaviour() {
        DeployRun production = DeployRun.otherHonestRun();
        production.extras.add(script -> script.graph().apply(
                Event.once(script.run().at(30), script.process(), Verb.UNLINK, FileRef.of("/etc/cg-test-file"), false, null)));

        List<Difference> differences = GraphDiff.compare(new DeployRun().record(), production.record(), DEFAULTS).differences();

        assertThat(differences).singleElement().satisfies(difference -> {
            assertThat(difference.status()).isEqualTo(DiffStatus.ONLY_PRODUCTION);
            assertThat(difference.verb()).isEqualTo(Verb.UNLINK);
            assertThat(difference.target()).isEqualTo("/etc/cg-test-file");
            assertThat(difference.canary()).isNull();
            assertThat(difference.production()).isEqualTo(new Difference.Outcome(1, 0, 0, List.of()));
        });
    }

    @Test
    void diff_writeFailedOnProduction_isChanged() {
        DeployRun production = DeployRun.otherHonestRun();
        production.logWriteFails = true;

        List<Difference> differences = GraphDiff.compare(new DeployRun().record(), production.record(), DEFAULTS).differences();

        assertThat(differences).singleElement().satisfies(difference -> {
            assertThat(difference.status()).isEqualTo(DiffStatus.CHANGED);
            assertThat(difference.verb()).isEqualTo(Verb.WRITE);
            assertThat(difference.target()).isEqualTo("~/deploy/deploy.log");
            assertThat(difference.reasons()).containsExactly("failed 0 -> 5");
            assertThat(difference.importance()).isEqualTo(Importance.FAILURE);
        });
    }

    @Test
    void diff_tenTimesMoreWrites_isChangedButTwiceIsNot() {
        DeployRun tenfold = DeployRun.otherHonestRun();
        tenfold.logWrites = 30;
        DeployRun twice = DeployRun.otherHonestRun();
        twice.logWrites = 6;

        assertThat(GraphDiff.compare(new DeployRun().record(), tenfold.record(), DEFAULTS).differences())
                .singleElement().extracting(Difference::reasons).isEqualTo(List.of("count 3 -> 30", "bytes 120 -> 1200"));
        assertThat(GraphDiff.compare(new DeployRun().record(), twice.record(), DEFAULTS).differences()).isEmpty();
        assertThat(GraphDiff.compare(new DeployRun().record(), twice.record(), DEFAULTS.withCountTolerance(2)).differences())
                .singleElement().extracting(Difference::status).isEqualTo(DiffStatus.CHANGED);
        assertThat(GraphDiff.compare(new DeployRun().record(), tenfold.record(), DEFAULTS.withCountTolerance(0)).differences())
                .isEmpty();
    }

    @Test
    void diff_differentExitCode_isChanged() {
        DeployRun production = DeployRun.otherHonestRun();
        production.extras.add(script -> {
            ProcessNode process = script.process();
            script.graph().apply(Event.once(script.run().at(40), process.withExit(3, null, script.run().at(40)), Verb.EXIT,
                    process, false, "3"));
        });

        List<Difference> differences = GraphDiff.compare(new DeployRun().record(), production.record(), DEFAULTS).differences();

        assertThat(differences).singleElement().satisfies(difference -> {
            assertThat(difference.verb()).isEqualTo(Verb.EXIT);
            assertThat(difference.reasons()).containsExactly("exit 0 -> exit 3");
            assertThat(difference.ancestry()).containsExactly("bash -l", "bash ~/deploy/deploy.sh");
        });
        assertThat(GraphDiff.compare(new DeployRun().record(), production.record(),
                DEFAULTS.withIgnoreVerbs(Set.of(Verb.EXIT))).differences()).isEmpty();
    }

    @Test
    void diff_otherRemoteHost_dependsOnRemoteMatch() {
        DeployRun canary = new DeployRun();
        canary.extras.add(script -> script.graph().apply(Event.once(script.run().at(9), script.process(), Verb.CONNECT,
                new RemoteNode("ipv4", "192.168.1.10", 5432), false, null)));
        DeployRun production = DeployRun.otherHonestRun();
        production.extras.add(script -> script.graph().apply(Event.once(script.run().at(9), script.process(), Verb.CONNECT,
                new RemoteNode("ipv4", "10.20.0.10", 5432), false, null)));

        List<Difference> full = GraphDiff.compare(canary.record(), production.record(), DEFAULTS).differences();

        assertThat(full).extracting(Difference::status, Difference::target, Difference::importance).containsExactly(
                org.assertj.core.groups.Tuple.tuple(DiffStatus.ONLY_PRODUCTION, "ipv4 10.20.0.10:5432", Importance.NEW_REMOTE),
                org.assertj.core.groups.Tuple.tuple(DiffStatus.ONLY_CANARY, "ipv4 192.168.1.10:5432", Importance.NEW_REMOTE));
        assertThat(GraphDiff.compare(canary.record(), production.record(), DEFAULTS.withRemoteMatch(RemoteMatch.PORT))
                .differences()).isEmpty();
        assertThat(GraphDiff.compare(canary.record(), production.record(), DEFAULTS.withRemoteMatch(RemoteMatch.HOST))
                .differences()).hasSize(2);
    }

    @Test
    void diff_ignoredPathsAndVerbs_areLeftOut() {
        DeployRun production = DeployRun.otherHonestRun();
        production.extras.add(script -> {
            script.graph().apply(Event.once(script.run().at(30), script.process(), Verb.WRITE, FileRef.of("/var/log/app/x.log"),
                    false, null));
            script.graph().apply(Event.once(script.run().at(31), script.process(), Verb.CHOWN, FileRef.of("/srv/app"),
                    false, "0:0"));
        });
        GraphDocument canary = new DeployRun().record();

        assertThat(GraphDiff.compare(canary, production.record(), DEFAULTS).differences()).hasSize(2);
        assertThat(GraphDiff.compare(canary, production.record(),
                DEFAULTS.withIgnorePaths(List.of("/var/log/**")).withIgnoreVerbs(Set.of(Verb.CHOWN))).differences()).isEmpty();
        assertThat(GraphDiff.compare(canary, production.record(), DEFAULTS.withIgnorePaths(List.of("/var/log/**")))
                .differences()).extracting(Difference::verb).containsExactly(Verb.CHOWN);
    }

    @Test
    void diff_ignorePath_matchesRecordedOrNormalisedPath() {
        DeployRun production = otherUser();
        production.extras.add(script -> script.graph().apply(Event.once(script.run().at(30), script.process(), Verb.WRITE,
                FileRef.of(script.run().home + "/.cache/pip/x"), false, null)));
        GraphDocument canary = new DeployRun().record();

        assertThat(GraphDiff.compare(canary, production.record(), DEFAULTS).differences()).hasSize(1);
        assertThat(GraphDiff.compare(canary, production.record(), DEFAULTS.withIgnorePaths(List.of("~/.cache/**")))
                .differences()).isEmpty();
        assertThat(GraphDiff.compare(canary, production.record(), DEFAULTS.withIgnorePaths(List.of("/home/*/.cache/**")))
                .differences()).isEmpty();
    }

    @Test
    void diff_orderIsDeletionsThenOutsideWritesThenRemotesThenFailuresThenRest() {
        DeployRun production = DeployRun.otherHonestRun();
        production.extras.add(script -> {
            ChangeGraph graph = script.graph();
            ProcessNode process = script.process();
            graph.apply(Event.once(script.run().at(30), process, Verb.READ, FileRef.of("/etc/hosts"), false, null));
            graph.apply(Event.once(script.run().at(31), process, Verb.OPEN, FileRef.of("/etc/nope"), true, "read"));
            graph.apply(Event.once(script.run().at(32), process, Verb.CONNECT, new RemoteNode("ipv6", "::1", 22), false, null));
            graph.apply(Event.once(script.run().at(33), process, Verb.WRITE, FileRef.of("/etc/motd"), false, null));
            graph.apply(Event.once(script.run().at(34), process, Verb.WRITE, FileRef.of(script.run().home + "/deploy/inside"),
                    false, null));
            graph.apply(Event.once(script.run().at(35), process, Verb.TRUNCATE, FileRef.of("/var/lib/db"), false, null));
        });

        List<Difference> differences = GraphDiff.compare(new DeployRun().record(), production.record(), DEFAULTS).differences();

        assertThat(differences).extracting(d -> d.verb().wireName() + " " + d.target()).containsExactly(
                "truncate /var/lib/db", "write /etc/motd", "connect ipv6 [::1]:22", "open /etc/nope", "read /etc/hosts",
                "write ~/deploy/inside");
        assertThat(differences).extracting(Difference::importance).isSorted();
    }

    @Test
    void diff_identicalSiblingsWithDifferentBehaviour_pairByBehaviour() {
        DeployRun canary = new DeployRun();
        DeployRun production = DeployRun.otherHonestRun();
        production.extras.add(script -> {
            ProcessNode extraCurl = script.spawn(40, "/usr/bin/curl", "curl", "-fsS", "https://artifacts/health");
            script.graph().apply(Event.once(script.run().at(40), extraCurl, Verb.CONNECT, new RemoteNode("ipv4", "10.0.0.9", 443),
                    false, null));
        });

        List<Difference> differences = GraphDiff.compare(canary.record(), production.record(), DEFAULTS).differences();

        assertThat(differences).singleElement().satisfies(difference -> {
            assertThat(difference.status()).isEqualTo(DiffStatus.ONLY_PRODUCTION);
            assertThat(difference.verb()).isEqualTo(Verb.SPAWN);
            assertThat(difference.effects()).contains("connect ipv4 10.0.0.9:443");
        });
    }

    @Test
    void diff_deepSpawnChain_isComparedWithoutRecursion() {
        GraphDocument canary = chain(20_000, 100, "/tmp/tmp.AAAAAAAAAA");
        GraphDocument production = chain(20_000, 90_000, "/tmp/tmp.BBBBBBBBBB");

        assertThat(GraphDiff.compare(canary, production, DEFAULTS).differences()).isEmpty();
        assertThat(GraphDiff.compare(canary, chain(20_001, 500, "/tmp/tmp.CCCCCCCCCC"), DEFAULTS).differences())
                .singleElement().satisfies(difference -> assertThat(difference.ancestry()).hasSize(20_000));
    }

    /** A shell nesting itself {@code depth} times, each level writing one temp file. */
    private static GraphDocument chain(int depth, int pidBase, String tempDir) {
        DeployRun run = new DeployRun();
        ChangeGraph graph = new ChangeGraph(new Session("s-" + pidBase, "h", "alice", pidBase, List.of("sh"), run.start, null));
        ProcessNode parent = null;
        for (int level = 0; level < depth; level++) {
            ProcessNode process = new ProcessNode(pidBase + level, level, parent == null ? 1 : parent.pid(), "/bin/sh",
                    List.of("sh", "-c", "nest"), "/", 0, 0, 0, null, true, run.start, null);
            if (parent != null) {
                graph.apply(Event.once(run.start, parent, Verb.SPAWN, process, false, null));
            }
            graph.apply(Event.once(run.start, process, Verb.WRITE, FileRef.of(tempDir + "/level"), false, null));
            parent = process;
        }
        return graph.snapshot();
    }

    @Test
    void json_isDeterministicSortedAndComplete() throws Exception {
        DeployRun production = DeployRun.otherHonestRun();
        production.logWriteFails = true;
        DiffReport report = GraphDiff.compare(new DeployRun().record(), production.record(), DEFAULTS);

        String json = report.json();
        JsonNode root = new ObjectMapper().readTree(json);

        assertThat(json).isEqualTo(GraphDiff.compare(new DeployRun().record(), production.record(), DEFAULTS).json());
        assertThat(root.get("schema").asText()).isEqualTo("changegraph-diff/v1");
        assertThat(root.get("equal").asBoolean()).isFalse();
        assertThat(root.get("summary").get("changed").asInt()).isEqualTo(1);
        JsonNode difference = root.get("differences").get(0);
        assertThat(difference.get("status").asText()).isEqualTo("changed");
        assertThat(difference.get("production").get("failed").asLong()).isEqualTo(5);
        assertThat(difference.get("ancestry").get(1).asText()).isEqualTo("bash ~/deploy/deploy.sh");
        assertThat(json.indexOf("\"canary\"")).isLessThan(json.indexOf("\"differences\""));
        assertThat(root.get("options").get("count_tolerance").asDouble()).isEqualTo(10);
        assertThat(root.get("options").get("remote_match").asText()).isEqualTo("full");
        assertThat(root.get("options").get("normalization_rules").get(0).asText()).isEqualTo("home");
    }

    @Test
    void union_marksEachSideAndChanges() {
        DeployRun canary = new DeployRun();
        canary.extras.add(script -> script.graph().apply(Event.once(script.run().at(30), script.process(), Verb.READ,
                FileRef.of("/etc/only-canary"), false, null)));
        DeployRun production = DeployRun.otherHonestRun();
        production.logWriteFails = true;
        production.extras.add(script -> script.spawn(30, "/usr/bin/rm", "rm", "-f", "/etc/x"));

        DiffUnion union = GraphDiff.compare(canary.record(), production.record(), DEFAULTS).union();

        GraphDocument graph = union.graph();
        assertThat(graph.nodes()).extracting(Node::id).doesNotHaveDuplicates();
        assertThat(union.edgeStatus()).hasSize(graph.edges().size());
        assertThat(union.nodeStatus()).containsOnlyKeys(graph.nodes().stream().map(Node::id).toList());
        String onlyCanaryFile = graph.nodes().stream().filter(n -> n instanceof FileNode f && f.path().equals("/etc/only-canary"))
                .findFirst().orElseThrow().id();
        assertThat(union.nodeStatus().get(onlyCanaryFile)).isEqualTo(DiffStatus.ONLY_CANARY);
        ProcessNode rm = graph.nodes().stream().filter(n -> n instanceof ProcessNode p && p.exe().equals("/usr/bin/rm"))
                .map(ProcessNode.class::cast).findFirst().orElseThrow();
        assertThat(union.nodeStatus().get(rm.id())).isEqualTo(DiffStatus.ONLY_PRODUCTION);
        assertThat(rm.pid()).isEqualTo(production.pidBase + 30);
        Edge failedWrite = graph.edges().stream().filter(e -> e.verb() == Verb.WRITE && e.failed() == 0
                && graph.nodes().stream().anyMatch(n -> n.id().equals(e.target()) && n instanceof FileNode f
                && f.path().endsWith("deploy.log"))).findFirst().orElseThrow();
        assertThat(union.edgeStatus().get(failedWrite.key())).isEqualTo(DiffStatus.CHANGED);
        assertThat(union.reasons().get(failedWrite.key())).isEqualTo("failed 0 -> 5");
        assertThat(union.edgeStatus().values()).containsOnly(DiffStatus.SAME, DiffStatus.CHANGED, DiffStatus.ONLY_CANARY,
                DiffStatus.ONLY_PRODUCTION);
    }

    @Test
    void diff_ofGraphsReadBackFromJson_findsTheSameDifferences() {
        DeployRun production = DeployRun.otherHonestRun();
        production.logWriteFails = true;
        GraphDocument canary = new DeployRun().record();
        GraphDocument prod = production.record();

        DiffReport direct = GraphDiff.compare(canary, prod, DEFAULTS);
        DiffReport readBack = GraphDiff.compare(GraphJson.fromJson(GraphJson.toJson(canary)),
                GraphJson.fromJson(GraphJson.toJson(prod)), DEFAULTS);

        assertThat(readBack.json()).isEqualTo(direct.json());
        assertThat(readBack.differences()).hasSize(1);
    }

    @Test
    void union_fileIdsOfDifferentFilesOnBothSides_stayUnique() {
        DeployRun canary = new DeployRun();
        canary.extras.add(script -> {
            script.graph().apply(Event.once(script.run().at(30), script.process(), Verb.CREATE, FileRef.of("/srv/a"), false, null));
            script.graph().apply(Event.once(script.run().at(31), script.process(), Verb.RENAME, FileRef.of("/srv/a"), false, "/srv/b"));
        });
        DeployRun production = DeployRun.otherHonestRun();
        production.extras.add(script -> script.graph().apply(
                Event.once(script.run().at(30), script.process(), Verb.CREATE, FileRef.of("/srv/a"), false, null)));

        DiffReport report = GraphDiff.compare(canary.record(), production.record(), DEFAULTS);
        DiffUnion union = report.union();

        assertThat(report.differences()).extracting(Difference::target).contains("/srv/a -> /srv/b", "/srv/a");
        assertThat(union.graph().nodes()).extracting(Node::id).doesNotHaveDuplicates();
        assertThat(union.graph().nodes()).filteredOn(node -> node instanceof FileNode f && f.paths().getFirst().equals("/srv/a"))
                .hasSize(2);
        assertThat(GraphJson.fromJson(GraphJson.toJson(union.graph()))).isEqualTo(union.graph());
    }

    @Test
    void union_ofEqualRuns_isAllSame() {
        DiffUnion union = GraphDiff.compare(new DeployRun().record(), DeployRun.otherHonestRun().record(), DEFAULTS).union();

        assertThat(union.edgeStatus().values()).containsOnly(DiffStatus.SAME);
        assertThat(union.nodeStatus().values()).containsOnly(DiffStatus.SAME);
        assertThat(union.graph().edges()).hasSize(new DeployRun().record().edges().size());
    }

    @Test
    void options_badGlobOrTolerance_areRejectedWithOneLine() {
        assertThatThrownBy(() -> DEFAULTS.withIgnorePaths(List.of("/etc/[")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("bad path glob '/etc/['");
        assertThatThrownBy(() -> DEFAULTS.withCountTolerance(0.5))
                .hasMessage("count tolerance must be 0 (off) or a ratio >= 1, not 0.5");
    }
}
