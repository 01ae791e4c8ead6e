package io.changegraph.web;

import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileEffect;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Ids;
import io.changegraph.repository.model.LeftRunning;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.RemoteUse;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.model.Summary;
import io.changegraph.repository.model.SummaryBehaviour;
import java.util.Map;
import io.changegraph.repository.model.Verb;
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
    private Summary summary;

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

    TestGraphs summary(Summary value) {
        summary = value;
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
                edges.stream().sorted(Comparator.comparing(Edge::key)).toList(), alerts, summary);
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
        RemoteNode server = new RemoteNode("ipv4", "10.1.2.3", 443, List.of("api.internal", "api.prod.internal"));
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

    static final ProcessNode DEPLOY = process(100, 1, "/usr/bin/bash", "bash", "deploy.sh", "--env", "canary");
    static final ProcessNode DPKG = process(110, 100, "/usr/bin/dpkg", "dpkg", "-i", "/tmp/myapp_1.0-1_all.deb");
    static final ProcessNode POSTINST = process(111, 110, "/bin/sh", "/bin/sh", "/var/lib/dpkg/info/man-db.postinst",
            "triggered", "/usr/share/man");
    static final ProcessNode MANDB = process(112, 111, "/usr/bin/mandb", "mandb", "-pq");
    static final ProcessNode MKTEMP = process(120, 100, "/usr/bin/mktemp", "mktemp", "-d");
    static final ProcessNode SLEEP = process(121, 100, "/usr/bin/sleep", "sleep", "0.1");
    static final ProcessNode SED = process(130, 100, "/usr/bin/sed", "sed", "-i", "s/^env=.*/env=canary/",
            "/etc/myapp/myapp.conf");
    /** Left running: it had not exited when the recording ended. */
    static final ProcessNode DAEMON = new ProcessNode(140, 140_000, 100, "/usr/bin/python3",
            List.of("python3", "-m", "http.server", "18080"), "/root", 0, 0, null, null, true, T0.plusMillis(140), null);
    static final ProcessNode CURL = process(150, 100, "/usr/bin/curl", "curl", "-fsS", "http://127.0.0.1:18080/health");
    static final FileNode MYAPP_BIN = file("/usr/bin/myapp");
    static final FileNode CONF = file("/etc/myapp/myapp.conf");
    static final FileNode LIBC = file("/usr/lib/x86_64-linux-gnu/libc.so.6");
    static final FileNode DPKG_STATUS = file("/var/lib/dpkg/status");
    static final FileNode MISSING = file("/etc/myapp/missing.conf");
    static final RemoteNode HEALTH = new RemoteNode("ipv4", "127.0.0.1", 18080);

    /**
     * A small routine deploy with a hand-made summary: dpkg installs myapp (and runs man-db's trigger, whose
     * mandb reads {@code manPages} man pages), sed edits the config, a daemon is left running, curl checks it;
     * mktemp and sleep did nothing that counts.
     */
    static TestGraphs deploy(String sessionId, int manPages) {
        TestGraphs graph = new TestGraphs(sessionId)
                .node(DEPLOY).node(DPKG).node(POSTINST).node(MANDB).node(MKTEMP).node(SLEEP).node(SED).node(DAEMON)
                .node(CURL).node(MYAPP_BIN).node(CONF).node(LIBC).node(DPKG_STATUS).node(MISSING).node(HEALTH)
                .edge(DEPLOY, Verb.SPAWN, DPKG, 1, 0).edge(DPKG, Verb.SPAWN, POSTINST, 1, 0)
                .edge(POSTINST, Verb.SPAWN, MANDB, 1, 0).edge(DEPLOY, Verb.SPAWN, MKTEMP, 1, 0)
                .edge(DEPLOY, Verb.SPAWN, SLEEP, 1, 0).edge(DEPLOY, Verb.SPAWN, SED, 1, 0)
                .edge(DEPLOY, Verb.SPAWN, DAEMON, 1, 0).edge(DEPLOY, Verb.SPAWN, CURL, 1, 0)
                .edge(DPKG, Verb.CREATE, MYAPP_BIN, 1, 0).edge(DPKG, Verb.OPEN, LIBC, 1, 0)
                .edge(DPKG, Verb.READ, DPKG_STATUS, 4, 0).edge(DPKG, Verb.OPEN, MISSING, 1, 1)
                .edge(MKTEMP, Verb.OPEN, LIBC, 1, 0).edge(SLEEP, Verb.OPEN, LIBC, 1, 0)
                .edge(SED, Verb.OPEN, LIBC, 1, 0).edge(SED, Verb.WRITE, CONF, 1, 0).edge(SED, Verb.READ, CONF, 2, 0)
                .edge(DAEMON, Verb.BIND, HEALTH, 1, 0).edge(CURL, Verb.CONNECT, HEALTH, 1, 0);
        for (int i = 0; i < manPages; i++) {
            FileNode page = file("/usr/share/man/man1/page" + i + ".1.gz");
            graph.node(page).edge(MANDB, Verb.OPEN, page, 1, 0);
        }
        return graph.summary(new Summary(
                List.of(new SummaryBehaviour("package.install", "myapp", "1.0-1: 1 file; triggers: man-db",
                                List.of(DPKG.id()), List.of(DPKG.id() + "|create|" + MYAPP_BIN.id())),
                        new SummaryBehaviour("daemon.left_running", "python3 -m http.server 18080", "",
                                List.of(DAEMON.id()), List.of(DAEMON.id()))),
                List.of(new FileEffect("/etc/myapp/myapp.conf", "modified", null, null, null, SED.id(),
                                "sed -i s/^env=.*/env=canary/ /etc/myapp/myapp.conf", 1,
                                List.of(SED.id() + "|write|" + CONF.id())),
                        new FileEffect("/usr/bin/myapp", "created", null, "0755", null, DPKG.id(), "dpkg -i /tmp/myapp_1.0-1_all.deb",
                                0, List.of(DPKG.id() + "|create|" + MYAPP_BIN.id()))),
                List.of(new RemoteUse(HEALTH.id(), "127.0.0.1:18080", 1, 0, List.of(CURL.id()))),
                List.of(new LeftRunning(DAEMON.id(), 140, "python3 -m http.server 18080")),
                Map.of("runtime_loading", 4L, "package_subtree", (long) manPages + 2)));
    }
}
