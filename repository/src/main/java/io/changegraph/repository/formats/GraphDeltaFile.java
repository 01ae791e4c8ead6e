package io.changegraph.repository.formats;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.io.AtomicFile;
import io.changegraph.repository.io.JsonMappers;
import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.GraphOrder;
import io.changegraph.repository.model.Node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
 * <p>Format: a first line {@code {"base_events":N,"graph_bytes":B}}, then a {@code changegraph/v1} document of
 * the added or changed nodes and edges (nothing is ever removed) and the ends of those edges, with the session,
 * stats and every alert. It continues a graph whose {@code stats.events} is {@code N} and yields the graph file of
 * {@code B} bytes written just before it: a reader checks both, so a sidecar of another version is never applied.
 */
public final class GraphDeltaFile {

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

    /**
     * Writes the sidecar of the graph file just written (atomically, temp file then rename), streamed: the
     * changed part is never held as one string. Nothing is written for the first delta ({@code baseEvents} 0):
     * no reader holds a graph it could continue.
     */
    public static void write(Path graph, GraphDocument changed, long baseEvents) {
        Path sidecar = of(graph);
        if (baseEvents == 0) {
            delete(graph);
            return;
        }
        try {
            long graphBytes = Files.size(graph);
            AtomicFile.write(sidecar, out -> {
                out.write(("{\"base_events\":" + baseEvents + ",\"graph_bytes\":" + graphBytes + "}\n")
                        .getBytes(StandardCharsets.UTF_8));
                GraphJson.write(changed, out);
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the delta " + sidecar + ": " + e.getMessage(), e);
        }
    }

    /** The graph's sidecar, if there is one that parses. */
    public static Optional<Delta> read(Path graph) {
        try {
            String text = Files.readString(of(graph), StandardCharsets.UTF_8);
            int newline = text.indexOf('\n');
            if (newline < 0) {
                return Optional.empty();
            }
            JsonNode header = JsonMappers.SORTED.readTree(text.substring(0, newline));
            if (!header.path("base_events").canConvertToLong() || !header.path("graph_bytes").canConvertToLong()) {
                return Optional.empty();
            }
            return Optional.of(new Delta(header.get("base_events").asLong(), header.get("graph_bytes").asLong(),
                    GraphJson.fromJson(text.substring(newline + 1))));
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
