package io.changegraph.impact;

import io.changegraph.impact.RecogniserTables.DownloadExec;
import io.changegraph.impact.RecogniserTables.Network;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Verb;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Behaviours told by sockets and process lifetimes: listeners (a successful bind to a non-zero port),
 * outbound connections per remote (connect calls, failed ones too), processes left running at the end,
 * and files downloaded then executed.
 */
final class RecogniseNetwork {
    private RecogniseNetwork() {
    }

    static void recognise(RecogniserTables tables, RecogniserFacts facts, RecognisedBehaviours out) {
        listeners(tables.network(), facts, out);
        connections(tables.network(), facts, out);
        leftRunning(tables.leftRunning().interpreters(), facts, out);
        downloadExec(tables.downloadExec(), tables.network(), facts, out);
    }

    /** {@code 10.0.0.1:443}, {@code [::1]:8080}, or a unix socket's path. */
    static String endpoint(RemoteNode remote) {
        return switch (remote.family()) {
            case "ipv6" -> "[" + remote.address() + "]:" + remote.port();
            case "unix" -> remote.address();
            default -> remote.address() + ":" + remote.port();
        };
    }

    private static RemoteNode remote(RecogniserFacts facts, Edge edge, Network network) {
        if (facts.graph().node(edge.target()) instanceof RemoteNode remote && network.families().contains(remote.family())
                && !network.ignore().contains(endpoint(remote))) {
            return remote;
        }
        return null;
    }

    private static void listeners(Network network, RecogniserFacts facts, RecognisedBehaviours out) {
        for (Edge edge : facts.graph().document().edges()) {
            RemoteNode remote = edge.verb() == Verb.BIND && RecogniserFacts.ok(edge) ? remote(facts, edge, network) : null;
            ProcessNode process = remote == null ? null : facts.graph().process(edge.source());
            if (remote == null || remote.port() == 0 || process == null) {
                continue;
            }
            Set<String> evidence = new TreeSet<>(List.of(remote.id(), edge.key()));
            long accepted = 0;
            for (Edge other : facts.graph().edgesFrom(process.id())) {
                if (other.verb() == Verb.ACCEPT && RecogniserFacts.ok(other)) {
                    accepted += other.count() - other.failed();
                    evidence.add(other.key());
                }
            }
            String detail = RecogniserFacts.label(process) + " (pid " + process.pid() + ")"
                    + (accepted > 0 ? ", accepted " + accepted + (accepted == 1 ? " connection" : " connections") : "");
            out.add("network.listen", endpoint(remote), detail, List.of(process.id()), evidence);
        }
    }

    private static void connections(Network network, RecogniserFacts facts, RecognisedBehaviours out) {
        record Use(RemoteNode remote, long[] counts, Set<String> labels, Set<String> processes, Set<String> evidence) {
        }
        Map<String, Use> uses = new TreeMap<>();
        for (Edge edge : facts.graph().document().edges()) {
            RemoteNode remote = edge.verb() == Verb.CONNECT ? remote(facts, edge, network) : null;
            if (remote == null) {
                continue;
            }
            Use use = uses.computeIfAbsent(remote.id(), k -> new Use(remote, new long[2], new TreeSet<>(), new TreeSet<>(),
                    new TreeSet<>(List.of(remote.id()))));
            use.counts()[0] += edge.count();
            use.counts()[1] += edge.failed();
            ProcessNode process = facts.graph().process(edge.source());
            use.labels().add(process == null ? edge.source() : RecogniserFacts.label(process));
            use.processes().add(edge.source());
            use.evidence().add(edge.key());
        }
        for (Use use : uses.values()) {
            long connects = use.counts()[0];
            long failed = use.counts()[1];
            String detail = connects + (connects == 1 ? " connect" : " connects") + (failed > 0 ? " (" + failed + " failed)" : "")
                    + " by " + String.join(", ", use.labels());
            out.add("network.connect", endpoint(use.remote()), detail, use.processes(), use.evidence());
        }
    }

    private static void leftRunning(List<BehaviourGlob> interpreters, RecogniserFacts facts, RecognisedBehaviours out) {
        SessionGraph graph = facts.graph();
        Set<String> running = new HashSet<>();
        for (ProcessNode process : graph.processes()) {
            if (process.followed() && process.ended() == null && process.exitCode() == null && process.exitSignal() == null) {
                running.add(process.id());
            }
        }
        for (ProcessNode process : graph.processes()) {
            String parent = graph.parent(process.id());
            if (!running.contains(process.id()) || (parent != null && running.contains(parent))) {
                continue;   // only the topmost: a daemon's workers run under it
            }
            String subject = RecogniserFacts.label(process);
            if (RecogniserFacts.named(process, interpreters)) {
                String script = script(process.argv());
                subject += script == null ? "" : " " + script;
            }
            out.add("daemon.left_running", subject, "pid " + process.pid() + ": " + RecogniserFacts.commandLine(process),
                    List.of(process.id()), List.of(process.id()));
        }
    }

    /** The module ({@code -m http.server}) or script an interpreter runs, or null. */
    static String script(List<String> argv) {
        for (int i = 1; i < argv.size(); i++) {
            String arg = argv.get(i);
            if ((arg.equals("-m") || arg.equals("-jar")) && i + 1 < argv.size()) {
                return argv.get(i + 1);
            }
            if (arg.equals("-c") || arg.equals("-e")) {
                return null;
            }
            if (!arg.startsWith("-")) {
                return RecogniserFacts.basename(arg);
            }
        }
        return null;
    }

    private static void downloadExec(DownloadExec download, Network network, RecogniserFacts facts, RecognisedBehaviours out) {
        SessionGraph graph = facts.graph();
        Set<String> networked = new HashSet<>();
        for (ProcessNode process : graph.processes()) {
            if (RecogniserFacts.named(process, download.downloaders())) {
                networked.add(process.id());
                continue;
            }
            for (Edge edge : graph.edgesFrom(process.id())) {
                if ((edge.verb() == Verb.CONNECT || edge.verb() == Verb.RECV) && RecogniserFacts.ok(edge)
                        && remote(facts, edge, network) != null) {
                    networked.add(process.id());
                    break;
                }
            }
        }
        if (networked.isEmpty()) {
            return;
        }
        Map<String, List<String>> scripts = new java.util.HashMap<>();   // script path -> interpreters that ran it
        for (ProcessNode process : graph.processes()) {
            String script = RecogniserFacts.named(process, download.interpreters()) ? scriptPath(process) : null;
            if (script != null) {
                scripts.computeIfAbsent(script, k -> new ArrayList<>()).add(process.id());
            }
        }
        for (FileNode file : facts.changedFiles()) {
            List<Edge> writes = new ArrayList<>();
            for (Edge edge : facts.changes(file.id())) {
                if ((edge.verb() == Verb.WRITE || edge.verb() == Verb.CREATE) && networked.contains(edge.source())) {
                    writes.add(edge);
                }
            }
            if (writes.isEmpty()) {
                continue;
            }
            List<Edge> runs = new ArrayList<>();
            Set<String> runners = new LinkedHashSet<>();
            for (Edge edge : graph.edgesTo(file.id())) {
                if (edge.verb() == Verb.EXEC && RecogniserFacts.ok(edge)) {
                    runs.add(edge);
                    runners.add(edge.source());
                }
            }
            for (String path : file.paths()) {
                runners.addAll(scripts.getOrDefault(path, List.of()));
            }
            if (runners.isEmpty()) {
                continue;
            }
            Set<String> processes = new TreeSet<>(RecogniseFiles.sources(writes));
            processes.addAll(runners);
            Set<String> evidence = new TreeSet<>(RecogniseFiles.evidence(file, writes));
            runs.forEach(r -> evidence.add(r.key()));
            evidence.addAll(runners);
            List<String> by = new ArrayList<>();
            RecogniseFiles.sources(writes).forEach(id -> by.add(RecogniserFacts.commandLine(graph.process(id))));
            List<String> ran = new ArrayList<>();
            runners.forEach(id -> ran.add(RecogniserFacts.label(graph.process(id))));
            out.add("download.exec", file.path(), "written by " + String.join(", ", by) + "; run by " + String.join(", ", ran),
                    processes, evidence);
        }
    }

    /** An interpreter's script: its first positional argument (relative paths against its cwd), or null. */
    private static String scriptPath(ProcessNode process) {
        List<String> argv = process.argv();
        for (int i = 1; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (arg.equals("-c") || arg.equals("-m") || arg.equals("-e")) {
                return null;
            }
            if (!arg.startsWith("-")) {
                String path = arg.startsWith("/") ? arg : (process.cwd().endsWith("/") ? process.cwd() : process.cwd() + "/") + arg;
                try {
                    return java.nio.file.Path.of(path).normalize().toString();
                } catch (RuntimeException notAPath) {
                    return null;
                }
            }
        }
        return null;
    }
}
