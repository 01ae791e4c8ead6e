package io.changegraph.repository.model;

import static io.changegraph.repository.model.Fixtures.at;
import static io.changegraph.repository.model.Fixtures.process;
import static io.changegraph.repository.model.Fixtures.session;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChangeGraphTest {
    private final ProcessNode bash = process(100, 1, "/usr/bin/bash", "bash");
    private final ProcessNode sed = process(101, 100, "/usr/bin/sed", "sed", "-i", "s/a/b/", "/etc/app.conf");
    private final ChangeGraph graph = new ChangeGraph(session(100));

    @Test
    void apply_manyWrites_areOneEdgeWithSummedCounters() {
        graph.apply(new Event(at(3), bash, Verb.WRITE, FileRef.of("/tmp/out"), 10, 100, 1, null));
        graph.apply(new Event(at(1), bash, Verb.WRITE, FileRef.of("/tmp/out"), 5, 50, 2, null));

        List<Edge> edges = graph.edgesFrom(bash.id());

        assertThat(edges).hasSize(1);
        Edge write = edges.getFirst();
        assertThat(write.target()).isEqualTo(Ids.file("/tmp/out", 0));
        assertThat(List.of(write.count(), write.bytes(), write.failed())).containsExactly(15L, 150L, 3L);
        assertThat(write.first()).isEqualTo(at(1));
        assertThat(write.last()).isEqualTo(at(3));
        assertThat(graph.snapshot().stats().events()).isEqualTo(2);
    }

    @Test
    void apply_sedInPlace_movesTempNodeOverOriginalAndMarksOriginalReplaced() {
        graph.apply(new Event(at(1), sed, Verb.READ, new FileRef("/etc/app.conf", 7, true), 1, 10, 0, null));
        graph.apply(Event.once(at(2), sed, Verb.CREATE, FileRef.of("/etc/sedX1"), false, null));
        graph.apply(Event.once(at(3), sed, Verb.RENAME, FileRef.of("/etc/sedX1"), false, "/etc/app.conf"));
        graph.apply(Event.once(at(4), bash, Verb.READ, FileRef.of("/etc/app.conf"), false, null));

        FileNode original = (FileNode) graph.node(Ids.file("/etc/app.conf", 0)).orElseThrow();
        FileNode temp = (FileNode) graph.node(Ids.file("/etc/sedX1", 0)).orElseThrow();
        assertThat(original.replaced()).isTrue();
        assertThat(original.inode()).isEqualTo(7);
        assertThat(temp.path()).isEqualTo("/etc/app.conf");
        assertThat(temp.paths()).containsExactly("/etc/sedX1", "/etc/app.conf");
        assertThat(temp.replaced()).isFalse();
        assertThat(graph.edgesFrom(bash.id())).extracting(Edge::target).containsExactly(temp.id());
        assertThat(graph.edgesFrom(sed.id())).extracting(Edge::verb).containsExactly(Verb.CREATE, Verb.READ, Verb.RENAME);
    }

    @Test
    void queries_betweenEvents_seeEveryEdgeAppliedSoFar() {
        ProcessNode child = process(102, 101, "/usr/bin/cat", "cat");
        graph.apply(Event.once(at(1), bash, Verb.SPAWN, sed, false, null));
        assertThat(graph.ancestors(sed.id())).extracting(ProcessNode::pid).containsExactly(100);
        assertThat(graph.edgesFrom(sed.id())).isEmpty();

        // edges applied after a query show up in the next one: the graph view catches up, it is not rebuilt
        graph.apply(Event.once(at(2), sed, Verb.SPAWN, child, false, null));
        graph.apply(Event.once(at(3), sed, Verb.WRITE, FileRef.of("/etc/app.conf"), false, null));
        assertThat(graph.ancestors(child.id())).extracting(ProcessNode::pid).containsExactly(101, 100);
        assertThat(graph.edgesFrom(sed.id())).extracting(Edge::verb).containsExactly(Verb.SPAWN, Verb.WRITE);
        graph.apply(Event.once(at(4), sed, Verb.WRITE, FileRef.of("/etc/app.conf"), false, null));
        assertThat(graph.edgesFrom(sed.id())).extracting(Edge::count).containsExactly(1L, 2L);
    }

    @Test
    void apply_failedRename_doesNotMoveTheFile() {
        graph.apply(Event.once(at(1), sed, Verb.RENAME, FileRef.of("/etc/a"), true, "/etc/b"));

        FileNode file = (FileNode) graph.node(Ids.file("/etc/a", 0)).orElseThrow();
        assertThat(file.paths()).containsExactly("/etc/a");
    }

    @Test
    void apply_fileRecreatedAfterUnlink_isNewGeneration() {
        graph.apply(Event.once(at(1), bash, Verb.WRITE, FileRef.of("/tmp/f"), false, null));
        graph.apply(Event.once(at(2), bash, Verb.UNLINK, FileRef.of("/tmp/f"), false, null));
        graph.apply(Event.once(at(3), bash, Verb.CREATE, FileRef.of("/tmp/f"), false, null));

        assertThat(graph.edgesFrom(bash.id()))
                .extracting(edge -> edge.verb() + " " + edge.target())
                .containsExactlyInAnyOrder("WRITE " + Ids.file("/tmp/f", 0), "UNLINK " + Ids.file("/tmp/f", 0),
                        "CREATE " + Ids.file("/tmp/f", 1));
    }

    @Test
    void apply_failedUnlink_keepsThePathOnItsNode() {
        graph.apply(Event.once(at(1), bash, Verb.UNLINK, FileRef.of("/etc/passwd"), true, null));
        graph.apply(Event.once(at(2), bash, Verb.READ, FileRef.of("/etc/passwd"), false, null));

        assertThat(graph.snapshot().nodes()).filteredOn(node -> node instanceof FileNode).hasSize(1);
    }

    @Test
    void apply_latestNonZeroInodeIsKept() {
        graph.apply(new Event(at(1), bash, Verb.READ, new FileRef("/etc/x", 11, true), 1, 0, 0, null));
        graph.apply(new Event(at(2), bash, Verb.READ, new FileRef("/etc/x", 0, true), 1, 0, 0, null));
        graph.apply(new Event(at(3), bash, Verb.READ, new FileRef("/etc/x", 12, true), 1, 0, 0, null));
        graph.apply(new Event(at(4), bash, Verb.READ, new FileRef("/etc/x", 0, true), 1, 0, 0, null));

        assertThat(((FileNode) graph.node(Ids.file("/etc/x", 0)).orElseThrow()).inode()).isEqualTo(12);
    }

    @Test
    void apply_spawnExecExit_buildTreeAndKeepLatestAttributes() {
        ProcessNode child = process(101, 100, "/usr/bin/bash", "bash");
        graph.apply(Event.once(at(1), bash, Verb.SPAWN, child, false, null));
        ProcessNode afterExec = child.withExec("/usr/bin/sed", List.of("sed", "-n", "p"), 0, 0);
        graph.apply(Event.once(at(2), afterExec, Verb.EXEC, FileRef.of("/usr/bin/sed"), false, null));
        graph.apply(Event.once(at(3), afterExec.withExit(3, null, at(3)), Verb.EXIT, afterExec, false, "3"));

        ProcessNode stored = graph.process(child.id()).orElseThrow();
        assertThat(stored.exe()).isEqualTo("/usr/bin/sed");
        assertThat(stored.argv()).containsExactly("sed", "-n", "p");
        assertThat(stored.exitCode()).isEqualTo(3);
        assertThat(stored.ended()).isEqualTo(at(3));
        assertThat(stored.started()).isEqualTo(Fixtures.T0);
        assertThat(graph.edgesFrom(child.id())).extracting(Edge::verb).containsExactly(Verb.EXEC);
        assertThat(graph.ancestors(child.id())).containsExactly(graph.process(bash.id()).orElseThrow());
    }

    @Test
    void apply_laterEventWithoutStart_keepsFirstStartTime() {
        graph.apply(Event.once(at(1), bash, Verb.READ, FileRef.of("/a"), false, null));
        ProcessNode noStart = new ProcessNode(100, 100_000L, 1, "/usr/bin/bash", List.of("bash"), "/", 0, 0, null, null,
                true, at(5), null);
        graph.apply(Event.once(at(2), noStart, Verb.READ, FileRef.of("/b"), false, null));

        assertThat(graph.process(bash.id()).orElseThrow().started()).isEqualTo(Fixtures.T0);
        assertThat(graph.process(bash.id()).orElseThrow().cwd()).isEqualTo("/");
    }

    @Test
    void apply_signalTargetSeenUnfollowed_becomesFollowedWhenItActs() {
        ProcessNode outside = new ProcessNode(55, 55_000L, 1, "/usr/sbin/nginx", List.of(), "", 0, 0, null, null,
                false, null, null);
        graph.apply(Event.once(at(1), bash, Verb.SIGNAL, outside, false, "SIGHUP"));
        assertThat(graph.process(outside.id()).orElseThrow().followed()).isFalse();

        graph.apply(Event.once(at(2), outside, Verb.READ, FileRef.of("/etc/nginx.conf"), false, null));

        assertThat(graph.process(outside.id()).orElseThrow().followed()).isTrue();
    }

    @Test
    void apply_signalToKnownProcess_doesNotOverwriteItsAttributes() {
        graph.apply(Event.once(at(1), sed, Verb.READ, FileRef.of("/a"), false, null));
        ProcessNode partial = new ProcessNode(101, 101_000L, 0, "", List.of(), "", 0, 0, null, null, false, null, null);

        graph.apply(Event.once(at(2), bash, Verb.SIGNAL, partial, false, "SIGTERM"));

        assertThat(graph.process(sed.id()).orElseThrow()).isEqualTo(sed);
    }

    @Test
    void apply_details_areSortedDistinctAndCappedAtTheSmallest() {
        IntStream.rangeClosed(1, 40).map(i -> 41 - i).forEach(i ->
                graph.apply(Event.once(at(i), bash, Verb.CHMOD, FileRef.of("/f"), false, "%02d".formatted(i))));
        graph.apply(Event.once(at(50), bash, Verb.CHMOD, FileRef.of("/f"), false, "05"));

        List<String> details = graph.edgesFrom(bash.id()).getFirst().details();

        assertThat(details).hasSize(CountedEdge.MAX_DETAILS).isSorted().startsWith("01", "02").endsWith("32");
    }

    @Test
    void apply_remoteAndModule_areTheirOwnNodes() {
        RemoteNode remote = new RemoteNode("ipv6", "::1", 22);
        graph.apply(Event.once(at(1), bash, Verb.CONNECT, remote, false, null));
        graph.apply(Event.once(at(2), bash, Verb.LOAD_MODULE, new ModuleNode("dummy", ""), false, null));

        assertThat(graph.node(remote.id())).contains(remote);
        assertThat(graph.node(Ids.module("dummy"))).contains(new ModuleNode("dummy", ""));
    }

    @Test
    void snapshot_isSortedAndCarriesStatsAlertsAndEnd() {
        GraphDocument document = Fixtures.rich();

        assertThat(document.nodes()).isSortedAccordingTo(GraphOrder.NODES);
        assertThat(document.edges()).isSortedAccordingTo(GraphOrder.EDGES);
        assertThat(document.alerts()).extracting(Alert::ruleId).containsExactly("delete-etc", "module");
        assertThat(document.stats()).isEqualTo(new Stats(13, 2, 1));
        assertThat(document.session().ended()).isEqualTo(at(9));
        assertThat(document.edges()).noneMatch(edge -> edge.verb() == Verb.EXIT);
    }

    @Test
    void snapshot_ofSameEventsInOtherOrder_isEqual() {
        List<Event> events = List.of(
                Event.once(at(1), bash, Verb.SPAWN, sed, false, null),
                new Event(at(2), sed, Verb.WRITE, FileRef.of("/tmp/a"), 2, 20, 0, null),
                Event.once(at(3), bash, Verb.CONNECT, new RemoteNode("ipv4", "10.1.1.1", 80), false, null),
                Event.once(at(4), bash, Verb.CHMOD, FileRef.of("/tmp/a"), false, "0600"));
        ChangeGraph reversed = new ChangeGraph(session(100));
        events.forEach(graph::apply);
        events.reversed().forEach(reversed::apply);

        assertThat(reversed.snapshot()).isEqualTo(graph.snapshot());
    }

    @Test
    void apply_fromManyThreads_losesNoCount() throws InterruptedException {
        List<Thread> threads = IntStream.range(0, 4).mapToObj(t -> Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 5_000; i++) {
                graph.apply(new Event(at(i % 60), bash, Verb.WRITE, FileRef.of("/tmp/f" + (i % 10)), 2, 3, 0, null));
            }
        })).toList();
        for (Thread thread : threads) {
            thread.join();
        }

        GraphDocument document = graph.snapshot();
        assertThat(document.stats().events()).isEqualTo(20_000);
        assertThat(document.edges()).hasSize(10).allSatisfy(edge -> {
            assertThat(edge.count()).isEqualTo(4_000);
            assertThat(edge.bytes()).isEqualTo(6_000);
        });
    }

    @Test
    void unknownNode_hasNoEdgesNoAncestors() {
        assertThat(graph.edgesFrom("p-none")).isEmpty();
        assertThat(graph.ancestors("p-none")).isEmpty();
        assertThat(graph.process("p-none")).isEqualTo(Optional.empty());
    }
}
