package io.changegraph.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changegraph.impact.Impact;
import io.changegraph.impact.NoiseClass;
import io.changegraph.repository.diff.DiffOptions;
import io.changegraph.repository.diff.DiffReport;
import io.changegraph.repository.diff.DiffStatus;
import io.changegraph.repository.diff.DiffUnion;
import io.changegraph.repository.diff.GraphDiff;
import io.changegraph.repository.diff.ImpactDifference;
import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Verb;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The diff view's data: the repository's union graph of a canary and a production session ({@link GraphDiff}
 * with the server's {@link DiffOptions}, as {@code changegraph diff} takes them) in {@code changegraph/v1}, where
 * every node and edge also carries {@code status} ({@code only_canary}, {@code only_production}, {@code changed},
 * {@code same}) and, when changed, {@code reason}; a {@code diff} object naming both sessions and counting
 * statuses; {@code impact}, the report's impact-first section (how the runs changed the host differently, each
 * with its evidence), and {@code differences}, the edge-level list the page shows under it: one entry per process that ran
 * on one side only (its subtree's behaviours counted, not repeated) and one per other differing edge or exit
 * status, each with the id of the element to focus.
 *
 * <p>With {@code differencesOnly} the graph keeps only what differs and its context: the endpoints of differing
 * edges and the process tree above them.
 */
final class DiffView {
    private static final List<DiffStatus> ORDER = List.of(DiffStatus.ONLY_CANARY, DiffStatus.ONLY_PRODUCTION,
            DiffStatus.CHANGED, DiffStatus.SAME);

    private DiffView() {
    }

    /** The last union computed, kept while both sides and the options stay the same (the page asks twice). */
    private record Key(String canary, long canaryVersion, String production, long productionVersion, DiffOptions options) {
    }

    private static final Map<Key, DiffReport> LAST = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, DiffReport> eldest) {
            return size() > 2;
        }
    };

    /** The comparison of both sessions, each with its summary (so the report has its impact section). */
    private static DiffReport report(LoadedSession canary, LoadedSession production, DiffOptions options) {
        Key key = new Key(canary.id(), canary.version(), production.id(), production.version(), options);
        synchronized (LAST) {
            DiffReport known = LAST.get(key);
            if (known != null) {
                return known;
            }
        }
        DiffReport report = GraphDiff.compare(canary.document().withSummary(canary.summary()),
                production.document().withSummary(production.summary()), options);
        report.union();
        synchronized (LAST) {
            LAST.put(key, report);
        }
        return report;
    }

    static String json(LoadedSession canary, LoadedSession production) {
        return json(canary, production, DiffOptions.defaults(), false);
    }

    static String json(LoadedSession canary, LoadedSession production, DiffOptions options, boolean differencesOnly) {
        DiffReport report = report(canary, production, options);
        DiffUnion union = report.union();
        GraphDocument graph = differencesOnly ? differencesOnly(union) : union.graph();
        ObjectNode tree = Json.graphTree(withAlerts(graph, canary.document(), production.document()));
        for (JsonNode node : tree.get("nodes")) {
            annotate((ObjectNode) node, node.get("id").asText(), union.nodeStatus(), union.reasons());
        }
        for (JsonNode edge : tree.get("edges")) {
            String key = edge.get("source").asText() + "|" + edge.get("verb").asText() + "|" + edge.get("target").asText();
            annotate((ObjectNode) edge, key, union.edgeStatus(), union.reasons());
        }
        ObjectNode diff = tree.putObject("diff");
        diff.put("canary", canary.id());
        diff.put("production", production.id());
        diff.put("differences_only", differencesOnly);
        diff.set("nodes", Json.MAPPER.valueToTree(counts(union.nodeStatus())));
        diff.set("edges", Json.MAPPER.valueToTree(counts(union.edgeStatus())));
        diff.put("union_nodes", union.graph().nodes().size());
        diff.put("union_edges", union.graph().edges().size());
        tree.set("differences", Json.MAPPER.valueToTree(differences(union)));
        tree.set("impact", report.impact() == null ? null : Json.MAPPER.valueToTree(impact(report.impact())));
        return Json.write(tree);
    }

    /** The list beside the graph, most telling first: one side only, then changed; by label within each. */
    static List<Map<String, Object>> differences(DiffUnion union) {
        GraphDocument graph = union.graph();
        Map<String, Node> nodes = new HashMap<>();
        graph.nodes().forEach(node -> nodes.put(node.id(), node));
        Map<String, String> parent = new HashMap<>();
        Map<String, List<String>> children = new HashMap<>();
        for (Edge edge : graph.edges()) {
            if (edge.verb() == Verb.SPAWN && nodes.get(edge.target()) instanceof ProcessNode && !edge.source().equals(edge.target())) {
                parent.putIfAbsent(edge.target(), edge.source());
                children.computeIfAbsent(edge.source(), k -> new ArrayList<>()).add(edge.target());
            }
        }
        Map<String, List<Edge>> out = new HashMap<>();
        graph.edges().forEach(edge -> out.computeIfAbsent(edge.source(), k -> new ArrayList<>()).add(edge));
        List<Map<String, Object>> items = new ArrayList<>();
        for (Node node : graph.nodes()) {
            DiffStatus status = union.nodeStatus().getOrDefault(node.id(), DiffStatus.SAME);
            if (!(node instanceof ProcessNode) || status == DiffStatus.SAME) {
                continue;
            }
            String up = parent.get(node.id());
            if (status != DiffStatus.CHANGED && up != null && union.nodeStatus().getOrDefault(up, DiffStatus.SAME) == status) {
                continue;  // inside a subtree that is itself one difference
            }
            Map<String, Object> item = item(node.id(), status, label(node), union.reasons().get(node.id()));
            if (status != DiffStatus.CHANGED) {
                long[] beneath = beneath(node.id(), children, out);
                item.put("processes", beneath[0]);
                item.put("behaviours", beneath[1]);
            }
            items.add(item);
        }
        for (Edge edge : graph.edges()) {
            DiffStatus status = union.edgeStatus().getOrDefault(edge.key(), DiffStatus.SAME);
            if (status == DiffStatus.SAME || union.nodeStatus().getOrDefault(edge.source(), DiffStatus.SAME) == status
                    || edge.verb() == Verb.SPAWN && union.nodeStatus().getOrDefault(edge.target(), DiffStatus.SAME) == status) {
                continue;  // the process's own entry covers it (or the spawned process's)
            }
            Node source = nodes.get(edge.source());
            Node target = nodes.get(edge.target());
            String text = (source == null ? edge.source() : label(source)) + ": " + edge.verb().wireName() + " "
                    + (target == null ? edge.target() : label(target));
            items.add(item(edge.key(), status, text, union.reasons().get(edge.key())));
        }
        items.sort(Comparator.comparing((Map<String, Object> item) -> ORDER.indexOf(DiffStatus.valueOf(
                        ((String) item.get("status")).toUpperCase(java.util.Locale.ROOT))))
                .thenComparing(item -> (String) item.get("label")).thenComparing(item -> (String) item.get("id")));
        return items;
    }

    /** The report's impact section: how the runs changed the host differently, with evidence to focus. */
    private static List<Map<String, Object>> impact(List<ImpactDifference> impact) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (ImpactDifference difference : impact) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("area", difference.area());
            item.put("kind", difference.kind());
            item.put("status", difference.status().wireName());
            item.put("subject", difference.subject());
            item.put("text", difference.text());
            item.put("canary", difference.canary());
            item.put("production", difference.production());
            item.put("evidence", difference.evidence());
            items.add(item);
        }
        return items;
    }

    private static Map<String, Object> item(String id, DiffStatus status, String label, String reason) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", id);
        item.put("status", status.wireName());
        item.put("label", label);
        if (reason != null) {
            item.put("reason", reason);
        }
        return item;
    }

    /** Processes (the root included) and behaviours (edges other than spawn) in the subtree of {@code root}. */
    private static long[] beneath(String root, Map<String, List<String>> children, Map<String, List<Edge>> out) {
        long[] counts = new long[2];
        List<String> todo = new ArrayList<>(List.of(root));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String id = todo.removeLast();
            if (!seen.add(id)) {
                continue;
            }
            counts[0]++;
            for (Edge edge : out.getOrDefault(id, List.of())) {
                if (edge.verb() != Verb.SPAWN) {
                    counts[1]++;
                }
            }
            todo.addAll(children.getOrDefault(id, List.of()));
        }
        return counts;
    }

    static String label(Node node) {
        return switch (node) {
            case ProcessNode process -> process.argv().isEmpty() ? process.exe() : String.join(" ", process.argv());
            case FileNode file -> file.path();
            case RemoteNode remote -> remote.family().equals("ipv6") ? "[" + remote.address() + "]:" + remote.port()
                    : remote.family().equals("unix") ? remote.address() : remote.address() + ":" + remote.port();
            case ModuleNode module -> "module " + module.name();
        };
    }

    /**
     * What differs, with the endpoints of differing edges and the process tree above every shown process. A
     * differing edge the impact layer calls noise (runtime loading, failed lookups: the locale files a one-sided
     * {@code rm} opens) is left out unless it is all its process did.
     */
    private static GraphDocument differencesOnly(DiffUnion union) {
        GraphDocument graph = union.graph();
        Map<String, Node> nodes = new HashMap<>();
        graph.nodes().forEach(node -> nodes.put(node.id(), node));
        Map<String, Edge> spawnedBy = new HashMap<>();
        for (Edge edge : graph.edges()) {
            if (edge.verb() == Verb.SPAWN && !edge.source().equals(edge.target())) {
                spawnedBy.putIfAbsent(edge.target(), edge);
            }
        }
        Set<String> keepNodes = new HashSet<>();
        Set<String> keepEdges = new HashSet<>();
        union.nodeStatus().forEach((id, status) -> {
            if (status != DiffStatus.SAME) {
                keepNodes.add(id);
            }
        });
        Map<String, List<Edge>> differing = new HashMap<>();
        for (Edge edge : graph.edges()) {
            if (union.edgeStatus().getOrDefault(edge.key(), DiffStatus.SAME) != DiffStatus.SAME) {
                differing.computeIfAbsent(edge.source(), k -> new ArrayList<>()).add(edge);
            }
        }
        differing.forEach((source, edges) -> {
            List<Edge> telling = edges.stream().filter(edge -> edge.verb() == Verb.SPAWN
                    || noiseClass(edge, nodes) == null).toList();
            for (Edge edge : telling.isEmpty() ? edges : telling) {
                keepEdges.add(edge.key());
                keepNodes.add(edge.source());
                keepNodes.add(edge.target());
            }
        });
        for (String id : List.copyOf(keepNodes)) {
            Set<String> seen = new HashSet<>();
            for (Edge up = spawnedBy.get(id); up != null && seen.add(up.source()); up = spawnedBy.get(up.source())) {
                keepEdges.add(up.key());
                keepNodes.add(up.source());
            }
        }
        return new GraphDocument(graph.session(), graph.stats(),
                graph.nodes().stream().filter(node -> keepNodes.contains(node.id())).toList(),
                graph.edges().stream().filter(edge -> keepEdges.contains(edge.key())).toList(), graph.alerts());
    }

    private static String noiseClass(Edge edge, Map<String, Node> nodes) {
        Node target = nodes.get(edge.target());
        if (target == null || !(nodes.get(edge.source()) instanceof ProcessNode process)) {
            return null;
        }
        return Impact.noiseClass(process, edge, target).map(NoiseClass::key).orElse(null);
    }

    /**
     * The union with both runs' alerts that name a node or edge present in it (matched elements carry the
     * canary's ids, so a production alert on a matched element is kept only when the canary has it too).
     */
    private static GraphDocument withAlerts(GraphDocument union, GraphDocument canary, GraphDocument production) {
        if (!union.alerts().isEmpty()) {
            return union;
        }
        Set<String> present = new HashSet<>();
        union.nodes().forEach(node -> present.add(node.id()));
        union.edges().forEach(edge -> present.add(edge.key()));
        List<Alert> alerts = Stream.concat(canary.alerts().stream(), production.alerts().stream()).distinct()
                .filter(alert -> alert.edgeVerb() != null
                        ? present.contains(alert.edgeSource() + "|" + alert.edgeVerb().wireName() + "|" + alert.edgeTarget())
                        : alert.node() != null && present.contains(alert.node()))
                .toList();
        return new GraphDocument(union.session(), union.stats(), union.nodes(), union.edges(), alerts);
    }

    private static void annotate(ObjectNode element, String key, Map<String, DiffStatus> status, Map<String, String> reasons) {
        element.put("status", status.getOrDefault(key, DiffStatus.SAME).wireName());
        if (reasons.containsKey(key)) {
            element.put("reason", reasons.get(key));
        }
    }

    private static Map<String, Long> counts(Map<String, DiffStatus> status) {
        Map<String, Long> counts = new TreeMap<>();
        for (DiffStatus each : DiffStatus.values()) {
            counts.put(each.wireName(), 0L);
        }
        status.values().forEach(each -> counts.merge(each.wireName(), 1L, Long::sum));
        return counts;
    }
}
