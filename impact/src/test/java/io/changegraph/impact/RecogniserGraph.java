package io.changegraph.impact;

import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Ids;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.model.SummaryBehaviour;
import io.changegraph.repository.model.Verb;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds small recordings in code for the recogniser tests: processes, files, remotes, modules and verb edges. */
final class RecogniserGraph {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final List<Edge> edges = new ArrayList<>();
    private int tick;

    /** A process started by {@code ppid} (0: the root) that exec'd {@code exe} with argv and exited 0. */
    RecogniserGraph process(int pid, int ppid, String exe, String... argv) {
        return process(pid, ppid, 0, exe, argv);
    }

    /** A process with this exit code; -1 for one still running. */
    RecogniserGraph process(int pid, int ppid, int exit, String exe, String... argv) {
        ProcessNode node = new ProcessNode(pid, pid * 1000L, ppid, exe, List.of(argv), "/root", 0, 0,
                exit < 0 ? null : exit, null, true, T0, exit < 0 ? null : T0.plusSeconds(60));
        nodes.put(node.id(), node);
        if (ppid > 0) {
            edge(Ids.process(ppid, ppid * 1000L), Verb.SPAWN, node.id(), 1, 0);
        }
        FileNode exeFile = file(exe);
        edge(node.id(), Verb.EXEC, exeFile.id(), 1, 0);
        return this;
    }

    /** A fork child: same exe and argv as its parent, no exec of its own. */
    RecogniserGraph forkChild(int pid, int ppid, int exit) {
        ProcessNode parent = process(ppid);
        ProcessNode node = new ProcessNode(pid, pid * 1000L, ppid, parent.exe(), parent.argv(), "/root", 0, 0, exit, null,
                true, T0, T0.plusSeconds(60));
        nodes.put(node.id(), node);
        edge(parent.id(), Verb.SPAWN, node.id(), 1, 0);
        return this;
    }

    ProcessNode process(int pid) {
        return (ProcessNode) nodes.get(Ids.process(pid, pid * 1000L));
    }

    /** The file first seen at the first path, now at the last; created if new. */
    FileNode file(String... paths) {
        String id = Ids.file(paths[0], 0);
        FileNode node = new FileNode(id, paths[paths.length - 1], Arrays.asList(paths), 1, true, false);
        nodes.merge(id, node, (old, now) -> now);
        return node;
    }

    /** The {@code generation}th file first seen at the first path (a path reused after a delete), maybe replaced. */
    FileNode file(int generation, boolean replaced, String... paths) {
        String id = Ids.file(paths[0], generation);
        FileNode node = new FileNode(id, paths[paths.length - 1], Arrays.asList(paths), 1, true, replaced);
        nodes.put(id, node);
        return node;
    }

    /** A file node marked replaced (something was renamed over it). */
    FileNode replacedFile(String path) {
        String id = Ids.file(path, 0);
        FileNode node = new FileNode(id, path, List.of(path), 1, true, true);
        nodes.put(id, node);
        return node;
    }

    RemoteNode remote(String family, String address, int port) {
        RemoteNode node = new RemoteNode(family, address, port);
        nodes.put(node.id(), node);
        return node;
    }

    /** A successful edge from a process to a file at these paths (first seen at the first). */
    RecogniserGraph on(int pid, Verb verb, String path, String... details) {
        return on(pid, verb, file(path).id(), 1, 0, details);
    }

    /** An edge to a file that moved through these paths. */
    RecogniserGraph onMoved(int pid, Verb verb, List<String> paths, String... details) {
        return on(pid, verb, file(paths.toArray(String[]::new)).id(), 1, 0, details);
    }

    RecogniserGraph on(int pid, Verb verb, String targetId, long count, long failed, String... details) {
        edge(process(pid).id(), verb, targetId, count, failed, details);
        return this;
    }

    RecogniserGraph module(int pid, Verb verb, String name) {
        ModuleNode module = new ModuleNode(name, "");
        nodes.put(module.id(), module);
        return on(pid, verb, module.id(), 1, 0);
    }

    private void edge(String source, Verb verb, String target, long count, long failed, String... details) {
        Instant at = T0.plusMillis(++tick);
        edges.add(new Edge(source, target, verb, count, 0, failed, at, at, List.of(details)));
    }

    GraphDocument document() {
        Session session = new Session("test", "host", "root", 1, List.of("test"), T0, T0.plusSeconds(60));
        return new GraphDocument(session, new Stats(0, 0, 0), List.copyOf(nodes.values()), edges, List.of());
    }

    OpsFindings findings() {
        return Recognisers.shipped().recognise(new SessionGraph(document()), null);
    }

    List<SummaryBehaviour> behaviours() {
        return findings().behaviours();
    }

    /** "kind subject" of every behaviour, for compact assertions. */
    List<String> told() {
        return behaviours().stream().map(b -> b.kind() + " " + b.subject()).toList();
    }

    SummaryBehaviour only(String kind) {
        List<SummaryBehaviour> found = behaviours().stream().filter(b -> b.kind().equals(kind)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + ", got " + behaviours());
        }
        return found.getFirst();
    }
}
