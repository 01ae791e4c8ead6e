package io.changegraph.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changegraph.repository.formats.GraphDeltaFile;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What changed between two versions of a live session, as the SSE {@code delta} event carries it: the
 * {@code changegraph/v1} document of only the added or changed nodes and edges (with the new session,
 * stats and all alerts), plus {@code removed_nodes} (ids), {@code removed_edges} (keys
 * {@code source|verb|target}), {@code base} and {@code version}. A client at version {@code base} that
 * applies it is at {@code version}; a client at any other version reloads the whole graph.
 *
 * <p>A live graph file comes with a delta sidecar ({@link GraphDeltaFile}): the writer already knows what changed.
 * {@link #fromSidecar} applies it to the version held, so a new version costs reading the file's bytes (served
 * as they are) and parsing only the changes, not the whole graph; the event sent is made from the sidecar too.
 * Without a sidecar that continues the version held, the file is parsed whole and the two versions compared.
 */
final class GraphDelta {
    /** Deltas made from sidecars, by session id, for the version they lead to ({@link LiveStream} sends them). */
    private static final Map<String, Made> MADE = new ConcurrentHashMap<>();

    private record Made(long version, String event) {
    }

    /** The next version of a session from its sidecar. */
    record Applied(GraphDocument document) {
    }

    private GraphDelta() {
    }

    /**
     * The version after {@code previous} from the delta sidecar beside its file, when the sidecar continues
     * {@code previous} and accompanies {@code fileBytes} (the graph file as just read); else null (parse the file).
     */
    static Applied fromSidecar(LoadedSession previous, byte[] fileBytes) {
        Optional<GraphDeltaFile.Delta> sidecar = GraphDeltaFile.read(previous.file());
        if (sidecar.isEmpty() || sidecar.get().baseEvents() != previous.document().stats().events()
                || sidecar.get().graphBytes() != fileBytes.length) {
            return null;
        }
        GraphDeltaFile.Delta delta = sidecar.get();
        GraphDocument next = delta.applyTo(previous.document());
        ObjectNode event = Json.graphTree(delta.changed());
        event.put("base", previous.version());
        event.put("version", previous.version() + 1);
        event.putArray("removed_nodes");
        event.putArray("removed_edges");
        MADE.put(previous.id(), new Made(previous.version() + 1, Json.write(event)));
        return new Applied(next);
    }

    static String between(LoadedSession previous, LoadedSession current) {
        Made made = MADE.remove(current.id());
        if (made != null && made.version() == current.version()) {
            return made.event();
        }
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
