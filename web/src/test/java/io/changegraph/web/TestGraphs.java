package io.changegraph.web;

import io.changegraph.repository.Alert;
import io.changegraph.repository.Edge;
import io.changegraph.repository.FileNode;
import io.changegraph.repository.GraphDocument;
import io.changegraph.repository.GraphJson;
import io.changegraph.repository.Ids;
import io.changegraph.repository.Node;
import io.changegraph.repository.ProcessNode;
import io.changegraph.repository.RemoteNode;
import io.changegraph.repository.Session;
import io.changegraph.repository.Stats;
import io.changegraph.repository.Verb;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Graphs for tests and the benchmark, built through the shared model and written with {@link GraphJson}, so
 * the server reads exactly what {@code changegraph record} writes.
 */
final class TestGraphs {
    static final Instant T0 = Instant.parse("2026-11-21T20:00:00Z");

    private final String sessionId;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Edge> edges = new ArrayList<>();
    private final List<Alert> alerts = new ArrayList<>();
    private Instant ended = T0.plusSeconds(42);

    TestGraphs(String sessionId) {
        this.sessionId = sessionId;
    }

    static ProcessNode process(int pid, int ppid, String exe, String... argv) {
        return new ProcessNode(pid, 1_000L * pid, ppid, exe, List.of(argv), "/root", 0, 0, 0, null, true,
                T0.plusMillis(pid), T0.plusMillis(pid + 500));
    }

    static FileNode file(String path) {
        return new FileNode(Ids.file(path, 0), path, List.of(path), 4242, true, false);
    }

    TestGraphs node(Node node) {
        nodes.add(node);
        return this;
    }

    TestGraphs edge(Node source, Verb verb, Node target, long count, long failed) {
        edges.add(new Edge(source.id(), target.id(), verb, count, count * 10, failed, T0, T0.plusSeconds(1), List.of()));
        return this;
    }

    TestGraphs alertOnEdge(Node source, Verb verb, Node target, String rule, String description) {
        alerts.add(new Alert(rule, "critical", description, null, source.id(), verb, target.id(), T0.plusSeconds(2)));
        return this;
    }

    TestGraphs live() {
        ended = null;
        return this;
    }

    GraphDocument build() {
        return new GraphDocument(new Session(sessionId, "web01", "alice", 100, List.of("bash", "-l"), T0, ended),
                new Stats(edges.stream().mapToLong(Edge::count).sum(), 1, 2),
                nodes.stream().sorted(Comparator.comparing(Node::id)).toList(),
                edges.stream().sorted(Comparator.comparing(Edge::key)).toList(), alerts);
    }

    Path write(Path file) {
        GraphJson.write(build(), file);
        return file;
    }

    /**
     * A small recorded session: bash runs sed -i on /etc/app.conf (read, temp created and renamed), tries to
     * delete /etc/shadow (refused) and curl connects to 10.1.2.3:443; the refused delete raised an alert.
     */
    static TestGraphs recorded(String sessionId) {
        ProcessNode bash = process(100, 1, "/usr/bin/bash", "bash", "-l");
        ProcessNode sed = process(101, 100, "/usr/bin/sed", "sed", "-i", "s/a/b/", "/etc/app.conf");
        ProcessNode rm = process(102, 100, "/usr/bin/rm", "rm", "/etc/shadow");
        ProcessNode curl = process(103, 100, "/usr/bin/curl", "curl", "https://10.1.2.3/");
        FileNode conf = file("/etc/app.conf");
        FileNode shadow = file("/etc/shadow");
        RemoteNode server = new RemoteNode("ipv4", "10.1.2.3", 443);
        return new TestGraphs(sessionId)
                .node(bash).node(sed).node(rm).node(curl).node(conf).node(shadow).node(server)
                .edge(bash, Verb.SPAWN, sed, 1, 0).edge(bash, Verb.SPAWN, rm, 1, 0).edge(bash, Verb.SPAWN, curl, 1, 0)
                .edge(sed, Verb.READ, conf, 3, 0).edge(sed, Verb.WRITE, conf, 2, 0)
                .edge(rm, Verb.UNLINK, shadow, 1, 1)
                .edge(curl, Verb.CONNECT, server, 1, 0).edge(curl, Verb.SEND, server, 4, 0)
                .alertOnEdge(rm, Verb.UNLINK, shadow, "shadow-touch", "someone tried to delete /etc/shadow");
    }

    /** {@code processes} processes in a tree (each spawned by pid/4), each touching {@code filesEach} own files. */
    static TestGraphs wide(String sessionId, int processes, int filesEach, int remotes) {
        TestGraphs graph = new TestGraphs(sessionId);
        List<ProcessNode> procs = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            int pid = 1000 + i;
            ProcessNode p = process(pid, i == 0 ? 1 : 1000 + (i - 1) / 4, "/usr/bin/tool" + (i % 7), "tool", "--n", "" + i);
            procs.add(p);
            graph.node(p);
            if (i > 0) {
                graph.edge(procs.get((i - 1) / 4), Verb.SPAWN, p, 1, 0);
            }
            for (int f = 0; f < filesEach; f++) {
                FileNode file = file("/data/p" + i + "/file" + f + ".txt");
                graph.node(file).edge(p, f % 3 == 0 ? Verb.WRITE : Verb.READ, file, 1 + f, f % 11 == 0 ? 1 : 0);
            }
        }
        for (int r = 0; r < remotes; r++) {
            RemoteNode remote = new RemoteNode("ipv4", "10.0." + (r / 250) + "." + (r % 250 + 1), 443);
            graph.node(remote).edge(procs.get(r % procs.size()), Verb.CONNECT, remote, 1, r % 5 == 0 ? 1 : 0);
        }
        return graph;
    }
}
