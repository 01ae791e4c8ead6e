package io.changegraph.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changegraph.repository.Edge;
import io.changegraph.repository.GraphDocument;
import io.changegraph.repository.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What changed between two versions of a live session, as the SSE {@code delta} event carries it: the
 * {@code changegraph/v1} document of only the added or changed nodes and edges (with the new session,
 * stats and all alerts), plus {@code removed_nodes} (ids), {@code removed_edges} (keys
 * {@code source|verb|target}), {@code base} and {@code version}. A client at version {@code base} that
 * applies it is at {@code version}; a client at any other version reloads the whole graph.
 */
final class GraphDelta {
    private GraphDelta() {
    }

    static String between(LoadedSession previous, LoadedSession current) {
        GraphDocument before = previous.document();
        GraphDocument after = current.document();
        List<Node> nodes = changed(before.nodes(), after.nodes(), Node::id);
        List<Edge> edges = changed(before.edges(), after.edges(), Edge::key);
        ObjectNode delta = Json.graphTree(new GraphDocument(after.session(), after.stats(), nodes, edges, after.alerts()));
        delta.put("base", previous.version());
        delta.put("version", current.version());
        ArrayNode removedNodes = delta.putArray("removed_nodes");
        removed(before.nodes(), after.nodes(), Node::id).forEach(removedNodes::add);
        ArrayNode removedEdges = delta.putArray("removed_edges");
        removed(before.edges(), after.edges(), Edge::key).forEach(removedEdges::add);
        return Json.write(delta);
    }

    private static <T> List<T> changed(List<T> before, List<T> after, Function<T, String> key) {
        Map<String, T> old = index(before, key);
        List<T> changed = new ArrayList<>();
        for (T item : after) {
            if (!item.equals(old.get(key.apply(item)))) {
                changed.add(item);
            }
        }
        return changed;
    }

    private static <T> List<String> removed(List<T> before, List<T> after, Function<T, String> key) {
        Map<String, T> now = index(after, key);
        return before.stream().map(key).filter(k -> !now.containsKey(k)).toList();
    }

    private static <T> Map<String, T> index(List<T> items, Function<T, String> key) {
        Map<String, T> index = new HashMap<>(items.size() * 2);
        items.forEach(item -> index.put(key.apply(item), item));
        return index;
    }
}
