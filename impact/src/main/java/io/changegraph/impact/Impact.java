package io.changegraph.impact;

import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileEffect;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.LeftRunning;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.RemoteUse;
import io.changegraph.repository.model.Summary;
import io.changegraph.repository.model.SummaryBehaviour;
import io.changegraph.repository.model.Verb;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
        return analyse(document).summary();
    }

    private Analysis analyse(GraphDocument document) {
        SessionGraph graph = new SessionGraph(document);
        NetEffects effects = NetEffects.of(graph);
        OpsFindings findings = recogniser.recognise(graph, effects);
        Set<String> foldedProcesses = findings.foldedProcesses();
        int nodeCount = document.nodes().size();
        boolean[] foldedSource = new boolean[nodeCount];
        for (String id : foldedProcesses) {
            int i = graph.indexOf(id);
            if (i >= 0) {
                foldedSource[i] = true;
            }
        }
        NoiseClass[] foldedTarget = new NoiseClass[nodeCount];
        effects.foldedNodes().forEach((id, noiseClass) -> {
            int i = graph.indexOf(id);
            if (i >= 0) {
                foldedTarget[i] = noiseClass;
            }
        });
        // one pass over the edges, by position: a file's path kind is computed once for all its edges, and edge
        // keys are only made when a caller asks for the folded edges by key (noise, changes-only)
        byte[] pathKinds = new byte[nodeCount];
        Arrays.fill(pathKinds, (byte) -1);
        NoiseClass[] noise = new NoiseClass[graph.edgeCount()];
        long[] counts = new long[NoiseClass.values().length];
        List<Edge> edges = document.edges();
        for (int e = 0; e < noise.length; e++) {
            Edge edge = edges.get(e);
            int t = graph.targetIndex(e);
            Node target = t < 0 ? null : graph.nodeAt(t);
            int pathKind = Noise.OTHER;
            if (target instanceof FileNode file) {
                pathKind = pathKinds[t];
                if (pathKind < 0) {
                    pathKind = Noise.pathKind(file.path());
                    pathKinds[t] = (byte) pathKind;
                }
            }
            NoiseClass noiseClass = Noise.of(edge, target, pathKind);
            if (noiseClass == null) {
                int s = graph.sourceIndex(e);
                if (s >= 0 ? foldedSource[s] : foldedProcesses.contains(edge.source())) {
                    noiseClass = NoiseClass.PACKAGE_SUBTREE;
                }
            }
            if (noiseClass == null) {
                noiseClass = t >= 0 ? foldedTarget[t] : effects.foldedNodes().get(edge.target());
            }
            if (noiseClass != null) {
                noise[e] = noiseClass;
                counts[noiseClass.ordinal()]++;
            }
        }
        List<FileEffect> files = effects.all().stream().filter(e -> !foldedProcesses.contains(e.by())).toList();
        Map<String, Long> folded = new LinkedHashMap<>();
        for (NoiseClass noiseClass : NoiseClass.values()) {
            if (counts[noiseClass.ordinal()] > 0) {
                folded.put(noiseClass.key(), counts[noiseClass.ordinal()]);
            }
        }
        Summary summary = new Summary(findings.behaviours(), files, remotes(graph, noise), leftRunning(graph), folded);
        return new Analysis(summary, document, noise);
    }

    /** The summary, and the noise class of each edge by its position in the document (null: not noise). */
    private record Analysis(Summary summary, GraphDocument document, NoiseClass[] edgeNoise) {
        /** Every folded edge by key, in the document's order. */
        Map<String, NoiseClass> noise() {
            Map<String, NoiseClass> byKey = new HashMap<>();
            List<Edge> edges = document.edges();
            for (int e = 0; e < edgeNoise.length; e++) {
                if (edgeNoise[e] != null) {
                    byKey.put(edges.get(e).key(), edgeNoise[e]);
                }
            }
            return byKey;
        }
    }

    /**
     * Outbound connections per remote (connect edges that are not noise, such as the nscd socket), with the
     * remote's names and the refusals and timeouts TCP reported on those edges.
     */
    private static List<RemoteUse> remotes(SessionGraph graph, NoiseClass[] noise) {
        // per remote node position: connects, failed, refused, timed out
        Map<Integer, long[]> counts = new HashMap<>();
        Map<Integer, List<String>> processes = new HashMap<>();
        List<Edge> edges = graph.document().edges();
        for (int e = 0; e < noise.length; e++) {   // in the document's order, as edgesTo gives them
            Edge edge = edges.get(e);
            int t = graph.targetIndex(e);
            if (edge.verb() == Verb.CONNECT && noise[e] == null && t >= 0 && graph.nodeAt(t) instanceof RemoteNode) {
                long[] c = counts.computeIfAbsent(t, k -> new long[4]);
                c[0] += edge.count();
                c[1] += edge.failed();
                if (edge.net() != null && edge.net().tcp() != null) {
                    c[2] += edge.net().tcp().refused();
                    c[3] += edge.net().tcp().timedOut();
                }
                processes.computeIfAbsent(t, k -> new ArrayList<>()).add(edge.source());
            }
        }
        List<RemoteUse> remotes = new ArrayList<>();
        List<Node> nodes = graph.document().nodes();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i) instanceof RemoteNode remote) {
                int at = graph.indexOf(remote.id());
                long[] c = counts.get(at);
                if (c != null && c[0] > 0) {
                    remotes.add(new RemoteUse(remote.id(), endpoint(remote), c[0], c[1], new ArrayList<>(processes.get(at)),
                            remote.names(), c[2], c[3]));
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
        return changesOnly(document, summary, shipped().analyse(document).noise());
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
        return new TreeMap<>(shipped().analyse(document).noise());
    }

    /** The summary and the impact subgraph in one pass (the export and the viewer need both). */
    public static GraphDocument summariseChangesOnly(GraphDocument document) {
        Analysis analysis = shipped().analyse(document);
        return changesOnly(document, analysis.summary(), analysis.noise());
    }
}
