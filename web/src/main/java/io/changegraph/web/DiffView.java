package io.changegraph.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changegraph.repository.Alert;
import io.changegraph.repository.DiffOptions;
import io.changegraph.repository.DiffStatus;
import io.changegraph.repository.DiffUnion;
import io.changegraph.repository.GraphDiff;
import io.changegraph.repository.GraphDocument;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The diff view's data: the repository's union graph of a canary and a production session
 * ({@link GraphDiff}, default options) in {@code changegraph/v1}, where every node and edge also carries
 * {@code status} ({@code only_canary}, {@code only_production}, {@code changed}, {@code same}) and, when
 * changed, {@code reason}; plus a {@code diff} object naming both sessions and counting statuses.
 */
final class DiffView {
    private DiffView() {
    }

    static String json(LoadedSession canary, LoadedSession production) {
        DiffUnion union = GraphDiff.compare(canary.document(), production.document(), DiffOptions.defaults()).union();
        ObjectNode tree = Json.graphTree(withAlerts(union.graph(), canary.document(), production.document()));
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
        diff.set("nodes", Json.MAPPER.valueToTree(counts(union.nodeStatus())));
        diff.set("edges", Json.MAPPER.valueToTree(counts(union.edgeStatus())));
        return Json.write(tree);
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
