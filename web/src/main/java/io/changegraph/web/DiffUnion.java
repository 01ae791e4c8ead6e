package io.changegraph.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changegraph.repository.Alert;
import io.changegraph.repository.Edge;
import io.changegraph.repository.GraphDocument;
import io.changegraph.repository.Node;
import io.changegraph.repository.Session;
import io.changegraph.repository.Stats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The diff view's data: one union graph of a canary and a production graph where every node and edge
 * carries a {@code status}: {@code only_canary}, {@code only_production}, {@code changed} or {@code same}.
 *
 * <p>The whole comparison lives in {@link #compare}: it matches nodes by id and edges by key, which is
 * exact for files and remotes but sees a process of another run as a different node (its id hashes pid
 * and start time). The repository's {@code GraphDiff} matches processes by their place in the tree; when
 * it lands, {@link #compare} becomes {@code GraphDiff.compare(canary, production, options).union()} and
 * nothing else here changes.
 */
record DiffUnion(GraphDocument union, Map<String, String> nodeStatus, Map<String, String> edgeStatus) {
    static final String ONLY_CANARY = "only_canary";
    static final String ONLY_PRODUCTION = "only_production";
    static final String CHANGED = "changed";
    static final String SAME = "same";

    static DiffUnion compare(GraphDocument canary, GraphDocument production) {
        Map<String, String> nodeStatus = new TreeMap<>();
        List<Node> nodes = union(canary.nodes(), production.nodes(), Node::id, Objects::equals, nodeStatus);
        Map<String, String> edgeStatus = new TreeMap<>();
        List<Edge> edges = union(canary.edges(), production.edges(), Edge::key, DiffUnion::sameEffect, edgeStatus);
        nodes.sort(Comparator.comparing(Node::id));
        edges.sort(Comparator.comparing(Edge::key));
        List<Alert> alerts = java.util.stream.Stream.concat(canary.alerts().stream(), production.alerts().stream())
                .distinct().toList();
        Session session = new Session("diff:" + canary.session().id() + ".." + production.session().id(),
                canary.session().host(), canary.session().user(), canary.session().rootPid(),
                canary.session().command(), canary.session().started(), canary.session().ended());
        Stats stats = new Stats(canary.stats().events() + production.stats().events(),
                canary.stats().lostKernel() + production.stats().lostKernel(),
                canary.stats().droppedUser() + production.stats().droppedUser());
        return new DiffUnion(new GraphDocument(session, stats, nodes, edges, alerts), nodeStatus, edgeStatus);
    }

    /** An edge behaves the same when the same calls succeeded and failed; counts vary between runs. */
    private static boolean sameEffect(Edge a, Edge b) {
        return (a.failed() > 0) == (b.failed() > 0) && (a.count() > a.failed()) == (b.count() > b.failed())
                && a.details().equals(b.details());
    }

    private interface Same<T> {
        boolean test(T canary, T production);
    }

    private static <T> List<T> union(List<T> canary, List<T> production, Function<T, String> key, Same<T> same,
                                     Map<String, String> status) {
        Map<String, T> byKey = new LinkedHashMap<>();
        for (T item : canary) {
            byKey.put(key.apply(item), item);
            status.put(key.apply(item), ONLY_CANARY);
        }
        for (T item : production) {
            String k = key.apply(item);
            T mine = byKey.get(k);
            if (mine == null) {
                byKey.put(k, item);
                status.put(k, ONLY_PRODUCTION);
            } else {
                status.put(k, same.test(mine, item) ? SAME : CHANGED);
            }
        }
        return new ArrayList<>(byKey.values());
    }

    /** The union in {@code changegraph/v1} with {@code status} on each node and edge and a {@code diff} summary. */
    String json(String canaryId, String productionId) {
        ObjectNode tree = Json.graphTree(union);
        for (JsonNode node : tree.get("nodes")) {
            ((ObjectNode) node).put("status", nodeStatus.get(node.get("id").asText()));
        }
        for (JsonNode edge : tree.get("edges")) {
            String key = edge.get("source").asText() + "|" + edge.get("verb").asText() + "|" + edge.get("target").asText();
            ((ObjectNode) edge).put("status", edgeStatus.get(key));
        }
        ObjectNode diff = tree.putObject("diff");
        diff.put("canary", canaryId);
        diff.put("production", productionId);
        diff.set("nodes", Json.MAPPER.valueToTree(counts(nodeStatus)));
        diff.set("edges", Json.MAPPER.valueToTree(counts(edgeStatus)));
        return Json.write(tree);
    }

    private static Map<String, Long> counts(Map<String, String> status) {
        Map<String, Long> counts = new TreeMap<>(Map.of(ONLY_CANARY, 0L, ONLY_PRODUCTION, 0L, CHANGED, 0L, SAME, 0L));
        status.values().forEach(s -> counts.merge(s, 1L, Long::sum));
        return counts;
    }
}
