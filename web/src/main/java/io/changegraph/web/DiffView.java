package io.changegraph.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changegraph.repository.DiffOptions;
import io.changegraph.repository.DiffStatus;
import io.changegraph.repository.DiffUnion;
import io.changegraph.repository.GraphDiff;
import java.util.Map;
import java.util.TreeMap;

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
        ObjectNode tree = Json.graphTree(union.graph());
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
