package io.changegraph.impact;

import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.ObjectRef;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Verb;
import java.time.Instant;
import java.util.List;

/** A recording built event by event through {@link ChangeGraph#apply}, one millisecond apart, as the recorder would. */
final class Story {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private final ChangeGraph graph;
    private final ProcessNode root;
    private int tick;
    private final java.util.LinkedHashSet<ProcessNode> running = new java.util.LinkedHashSet<>();

    Story() {
        root = process(100, 1, "bash", "deploy.sh");
        graph = new ChangeGraph(new Session("s-1", "host", "root", 100, List.of("bash", "deploy.sh"), T0, null));
    }

    ProcessNode root() {
        return root;
    }

    static ProcessNode process(int pid, int ppid, String... argv) {
        return new ProcessNode(pid, pid * 1_000L, ppid, "/usr/bin/" + argv[0], List.of(argv), "/root", 0, 0, null, null,
                true, T0, null);
    }

    /** {@code parent} spawns and execs {@code argv}; the child process. */
    ProcessNode run(ProcessNode parent, int pid, String... argv) {
        ProcessNode child = process(pid, parent.pid(), argv);
        running.add(child);
        apply(parent, Verb.SPAWN, child, false, null);
        apply(child, Verb.EXEC, FileRef.of("/usr/bin/" + argv[0]), false, null);
        return child;
    }

    Story ok(ProcessNode p, Verb verb, String path) {
        return ok(p, verb, path, null);
    }

    Story ok(ProcessNode p, Verb verb, String path, String detail) {
        apply(p, verb, FileRef.of(path), false, detail);
        return this;
    }

    Story failed(ProcessNode p, Verb verb, String path, String detail) {
        apply(p, verb, FileRef.of(path), true, detail);
        return this;
    }

    Story connect(ProcessNode p, String address, int port, boolean failed) {
        apply(p, Verb.CONNECT, new RemoteNode("ipv4", address, port), failed, null);
        return this;
    }

    /** What TCP and DNS told about {@code p}'s connections to {@code address:port} (an evidence event). */
    Story evidence(ProcessNode p, String address, int port, io.changegraph.repository.model.TcpCounts tcp, String... names) {
        graph.apply(Event.evidence(next(), p, new RemoteNode("ipv4", address, port), tcp != null && tcp.failedConnects(),
                new io.changegraph.repository.model.NetEvidence(tcp, null, null, List.of(names))));
        return this;
    }

    Story connectUnix(ProcessNode p, String path) {
        apply(p, Verb.CONNECT, new RemoteNode("unix", path, 0), false, null);
        return this;
    }

    Story exit(ProcessNode p) {
        running.remove(p);
        graph.apply(Event.once(next(), p.withExit(0, null, T0.plusMillis(tick)), Verb.EXIT, p, false, "0"));
        return this;
    }

    /** A file created (O_CREAT|O_TRUNC) and written. */
    Story write(ProcessNode p, String path) {
        return ok(p, Verb.CREATE, path, "write,create,truncate").ok(p, Verb.WRITE, path);
    }

    /** Ends the session; every process but {@code leftRunning} exits first. */
    GraphDocument end(ProcessNode... leftRunning) {
        running.add(root);
        running.removeAll(List.of(leftRunning));
        for (ProcessNode p : List.copyOf(running)) {
            exit(p);
        }
        graph.endSession(next());
        return graph.snapshot();
    }

    private void apply(ProcessNode p, Verb verb, ObjectRef object, boolean failed, String detail) {
        graph.apply(Event.once(next(), p, verb, object, failed, detail));
    }

    private Instant next() {
        return T0.plusMillis(++tick);
    }
}
