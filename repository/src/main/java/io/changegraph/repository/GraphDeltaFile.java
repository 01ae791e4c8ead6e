package io.changegraph.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The delta sidecar of a live graph file: {@code .NAME.delta} beside {@code NAME} (hidden, so a directory of
 * graphs does not list it), rewritten after each rewrite of the graph with the nodes and edges that changed since
 * the previous rewrite ({@link ChangeGraph#snapshotWithDelta}). A viewer that holds the previous version applies
 * it ({@link Delta#applyTo}) instead of parsing the whole file again; the full graph file stays the contract, and
 * the sidecar is removed when the recording ends.
 *
 * <p>Format: {@code {"base_events": N, "graph_bytes": B, "changed": <changegraph/v1 document>}}; the document
 * holds the added or changed nodes and edges (nothing is ever removed), the session, stats and every alert. It
 * continues a graph whose {@code stats.events} is {@code N} and yields the graph file of {@code B} bytes written
 * just before it: a reader checks both, so a sidecar of another version is never applied.
 */
public final class GraphDeltaFile {
    private static final ObjectMapper READER = new ObjectMapper();

    /** One sidecar: what to apply to a graph of {@code baseEvents} events, giving the file of {@code graphBytes}. */
    public record Delta(long baseEvents, long graphBytes, GraphDocument changed) {
        /** {@code previous} with the changed nodes and edges put in, and the delta's session, stats and alerts. */
        public GraphDocument applyTo(GraphDocument previous) {
            Map<String, Node> nodes = new LinkedHashMap<>();
            previous.nodes().forEach(node -> nodes.put(node.id(), node));
            changed.nodes().forEach(node -> nodes.put(node.id(), node));
            Map<String, Edge> edges = new LinkedHashMap<>();
            previous.edges().forEach(edge -> edges.put(edge.key(), edge));
            changed.edges().forEach(edge -> edges.put(edge.key(), edge));
            List<Node> nodeList = new ArrayList<>(nodes.values());
            List<Edge> edgeList = new ArrayList<>(edges.values());
            nodeList.sort(GraphOrder.NODES);
            edgeList.sort(GraphOrder.EDGES);
            return new GraphDocument(changed.session(), changed.stats(), nodeList, edgeList, changed.alerts());
        }
    }

    private GraphDeltaFile() {
    }

    /** The sidecar's path for a graph file. */
    public static Path of(Path graph) {
        Path absolute = graph.toAbsolutePath();
        return absolute.resolveSibling("." + absolute.getFileName() + ".delta");
    }

    /** Writes the sidecar of the graph file just written (atomically, temp file then rename). */
    public static void write(Path graph, GraphDocument changed, long baseEvents) {
        Path sidecar = of(graph);
        try {
            long graphBytes = Files.size(graph);
            String json = "{\"base_events\":" + baseEvents + ",\"graph_bytes\":" + graphBytes + ",\"changed\":"
                    + GraphJson.toJson(changed).strip() + "}\n";
            Path temp = Files.createTempFile(sidecar.getParent(), sidecar.getFileName().toString(), ".tmp");
            try {
                Files.writeString(temp, json, StandardCharsets.UTF_8);
                try {
                    Files.move(temp, sidecar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, sidecar, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the delta " + sidecar + ": " + e.getMessage(), e);
        }
    }

    /** The graph's sidecar, if there is one that parses. */
    public static Optional<Delta> read(Path graph) {
        try {
            JsonNode root = READER.readTree(Files.readString(of(graph), StandardCharsets.UTF_8));
            if (!root.path("base_events").canConvertToLong() || !root.path("graph_bytes").canConvertToLong()
                    || !root.path("changed").isObject()) {
                return Optional.empty();
            }
            return Optional.of(new Delta(root.get("base_events").asLong(), root.get("graph_bytes").asLong(),
                    GraphJson.fromJson(root.get("changed").toString())));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();   // torn or foreign: the reader parses the graph file instead
        }
    }

    /** Removes the sidecar (the recording ended: the graph file alone is the last word). */
    public static void delete(Path graph) {
        try {
            Files.deleteIfExists(of(graph));
        } catch (IOException e) {
            // a stale sidecar is never applied (base and size are checked): nothing to do
        }
    }
}
