package io.changegraph.impact;

import io.changegraph.repository.Alert;
import io.changegraph.repository.Edge;
import io.changegraph.repository.FileEffect;
import io.changegraph.repository.FileNode;
import io.changegraph.repository.GraphDocument;
import io.changegraph.repository.LeftRunning;
import io.changegraph.repository.ModuleNode;
import io.changegraph.repository.Node;
import io.changegraph.repository.ProcessNode;
import io.changegraph.repository.RemoteNode;
import io.changegraph.repository.RemoteUse;
import io.changegraph.repository.Summary;
import io.changegraph.repository.SummaryBehaviour;
import io.changegraph.repository.Verb;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a recording into what it did to the host: {@link #summarise(GraphDocument)} with the shipped
 * recognisers (behaviours.yaml), {@link #load(Path)} for another behaviours file. The summary is a pure
 * function of the graph: the same recording always gives the same summary.
 */
public final class Impact {
    private static volatile Impact shipped;

    private final OpsRecogniser recogniser;

    private Impact(OpsRecogniser recogniser) {
        this.recogniser = recogniser;
    }

    /** The summary of a recording with the shipped behaviours.yaml. */
    public static Summary summarise(GraphDocument document) {
        return shipped().of(document);
    }

    /** An Impact with the recognisers of another behaviours file; a bad file is an IllegalArgumentException. */
    public static Impact load(Path behaviours) {
        return new Impact(Recognisers.load(behaviours));
    }

    /** An Impact with the given recogniser (tests, and callers that bring their own tables). */
    static Impact with(OpsRecogniser recogniser) {
        return new Impact(recogniser);
    }

    private static Impact shipped() {
        Impact impact = shipped;
        if (impact == null) {
            impact = new Impact(Recognisers.shipped());
            shipped = impact;
        }
        return impact;
    }

    /** The summary of a recording with this Impact's recognisers. */
    public Summary of(GraphDocument document) {
        return analyse(document).summary;
    }

    private Analysis analyse(GraphDocument document) {
        SessionGraph graph = new SessionGraph(document);
        NetEffects effects = NetEffects.of(graph);
        OpsFindings findings = recogniser.recognise(graph, effects);
        Set<String> foldedProcesses = findings.foldedProcesses();
        Map<String, NoiseClass> noise = new HashMap<>();
        Map<NoiseClass, Long> counts = new EnumMap<>(NoiseClass.class);
        Map<String, Integer> pathKinds = new HashMap<>();
        for (Edge edge : document.edges()) {
            Node target = graph.node(edge.target());
            int pathKind = target instanceof FileNode file
                    ? pathKinds.computeIfAbsent(file.id(), id -> Noise.pathKind(file.path())) : Noise.OTHER;
            NoiseClass noiseClass = Noise.of(edge, target, pathKind);
            if (noiseClass == null && foldedProcesses.contains(edge.source())) {
                noiseClass = NoiseClass.PACKAGE_SUBTREE;
            }
            if (noiseClass == null) {
                noiseClass = effects.foldedNodes().get(edge.target());
            }
            if (noiseClass != null) {
                noise.put(edge.key(), noiseClass);
                counts.merge(noiseClass, 1L, Long::sum);
            }
        }
        List<FileEffect> files = effects.all().stream().filter(e -> !foldedProcesses.contains(e.by())).toList();
        Map<String, Long> folded = new LinkedHashMap<>();
        counts.forEach((noiseClass, count) -> folded.put(noiseClass.key(), count));
        Summary summary = new Summary(findings.behaviours(), files, remotes(graph, noise), leftRunning(graph), folded);
        return new Analysis(summary, noise);
    }

    private record Analysis(Summary summary, Map<String, NoiseClass> noise) {
    }

    /**
     * Outbound connections per remote (connect edges that are not noise, such as the nscd socket), with the
     * remote's names and the refusals and timeouts TCP reported on those edges.
     */
    private static List<RemoteUse> remotes(SessionGraph graph, Map<String, NoiseClass> noise) {
        List<RemoteUse> remotes = new ArrayList<>();
        for (Node node : graph.document().nodes()) {
            if (node instanceof RemoteNode remote) {
                long connects = 0;
                long failed = 0;
                long refused = 0;
                long timedOut = 0;
                List<String> processes = new ArrayList<>();
                for (Edge edge : graph.edgesTo(remote.id())) {
                    if (edge.verb() == Verb.CONNECT && !noise.containsKey(edge.key())) {
                        connects += edge.count();
                        failed += edge.failed();
                        processes.add(edge.source());
                        if (edge.net() != null && edge.net().tcp() != null) {
                            refused += edge.net().tcp().refused();
                            timedOut += edge.net().tcp().timedOut();
                        }
                    }
                }
                if (connects > 0) {
                    remotes.add(new RemoteUse(remote.id(), endpoint(remote), connects, failed, processes,
                            remote.names(), refused, timedOut));
                }
            }
        }
        return remotes;
    }

    /** {@code address:port}, {@code [v6]:port}, or the socket path of a unix socket. */
    public static String endpoint(RemoteNode remote) {
        return switch (remote.family()) {
            case "unix" -> remote.address();
            case "ipv6" -> "[" + remote.address() + "]:" + remote.port();
            default -> remote.address() + ":" + remote.port();
        };
    }

    /** Followed processes with no exit recorded by the end of a session that has ended. */
    private static List<LeftRunning> leftRunning(SessionGraph graph) {
        if (graph.document().session().ended() == null) {
            return List.of();
        }
        List<LeftRunning> left = new ArrayList<>();
        for (ProcessNode p : graph.processes()) {
            if (p.followed() && p.exitCode() == null && p.exitSignal() == null && p.ended() == null) {
                left.add(new LeftRunning(p.id(), p.pid(), graph.command(p.id())));
            }
        }
        return left;
    }

    /**
     * The impact subgraph: the processes that did something in the summary and their ancestors up to the
     * root, the files they changed, the remotes they used, module nodes, and the edges between those that are
     * not noise; the summary is attached. Used by {@code export --changes-only} and the viewer's default view.
     */
    public static GraphDocument changesOnly(GraphDocument document, Summary summary) {
        return changesOnly(document, summary, noise(document));
    }

    private static GraphDocument changesOnly(GraphDocument document, Summary summary, Map<String, NoiseClass> noise) {
        SessionGraph graph = new SessionGraph(document);
        Set<String> keep = new HashSet<>();
        Set<String> actors = new TreeSet<>();
        for (FileEffect effect : summary.files()) {
            actors.add(effect.by());
            keep.addAll(effect.evidence());
        }
        for (SummaryBehaviour behaviour : summary.behaviours()) {
            actors.addAll(behaviour.processes());
            keep.addAll(behaviour.evidence());
        }
        for (RemoteUse remote : summary.remotes()) {
            actors.addAll(remote.processes());
            keep.add(remote.id());
        }
        for (LeftRunning left : summary.leftRunning()) {
            actors.add(left.process());
        }
        for (String actor : actors) {
            keep.add(actor);
            keep.addAll(graph.ancestors(actor));
        }
        List<Node> nodes = new ArrayList<>();
        for (Node node : document.nodes()) {
            if (keep.contains(node.id()) || node instanceof ModuleNode) {
                nodes.add(node);
            }
        }
        Set<String> kept = new HashSet<>();
        nodes.forEach(n -> kept.add(n.id()));
        List<Edge> edges = document.edges().stream().filter(e -> kept.contains(e.source()) && kept.contains(e.target())
                && !noise.containsKey(e.key())).toList();
        Set<String> keptEdges = new HashSet<>();
        edges.forEach(e -> keptEdges.add(e.key()));
        List<Alert> alerts = document.alerts().stream().filter(a -> a.node() != null ? kept.contains(a.node())
                : keptEdges.contains(a.edgeSource() + "|" + (a.edgeVerb() == null ? "" : a.edgeVerb().wireName()) + "|"
                + a.edgeTarget())).toList();
        return new GraphDocument(document.session(), document.stats(), nodes, edges, alerts, summary);
    }

    /** The stateless noise class of one edge (by its verb, outcome and target node), or empty when it is not noise. */
    public static Optional<NoiseClass> noiseClass(ProcessNode process, Edge edge, Node target) {
        return Optional.ofNullable(Noise.of(edge, target));
    }

    /** Every folded edge of the recording (key {@code source|verb|target}) with its noise class, sorted by key. */
    public static Map<String, NoiseClass> noise(GraphDocument document) {
        return new TreeMap<>(shipped().analyse(document).noise);
    }

    /** The summary and the impact subgraph in one pass (the export and the viewer need both). */
    public static GraphDocument summariseChangesOnly(GraphDocument document) {
        Analysis analysis = shipped().analyse(document);
        return changesOnly(document, analysis.summary, analysis.noise);
    }
}
