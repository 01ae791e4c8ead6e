package io.changegraph.repository.formats;

import io.changegraph.repository.io.TerminalText;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import java.io.StringWriter;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jgrapht.Graph;
import org.jgrapht.graph.DirectedPseudograph;
import org.jgrapht.nio.Attribute;
import org.jgrapht.nio.AttributeType;
import org.jgrapht.nio.DefaultAttribute;
import org.jgrapht.nio.dot.DOTExporter;
import org.jgrapht.nio.graphml.GraphMLExporter;
import org.jgrapht.nio.graphml.GraphMLExporter.AttributeCategory;

/**
 * Exports a graph for other tools: DOT (Graphviz), GraphML (Gephi, yEd, NetworkX) and Cypher (Neo4j, the
 * store Agith users know). Property names are the {@code changegraph/v1} JSON keys; lists are written as
 * JSON-like text in DOT and GraphML. Output is deterministic: nodes and edges in the document's order.
 */
public final class GraphExports {
    private GraphExports() {
    }

    /** Graphviz DOT: processes as boxes, files as notes, remotes as ellipses, modules as components; failed edges red. */
    public static String dot(GraphDocument document) {
        StringWriter out = new StringWriter();
        dot(document, out);
        return out.toString();
    }

    /** {@link #dot(GraphDocument)} streamed to {@code out} (a big graph needs no second copy as text). */
    public static void dot(GraphDocument document, Writer out) {
        DOTExporter<Node, Edge> exporter = new DOTExporter<>(node -> quoted(node.id()));
        exporter.setGraphIdProvider(() -> "changegraph");
        exporter.setVertexAttributeProvider(node -> {
            Map<String, Attribute> attributes = new LinkedHashMap<>();
            attributes.put("label", DefaultAttribute.createAttribute(label(node)));
            attributes.put("kind", DefaultAttribute.createAttribute(node.kind()));
            attributes.put("shape", DefaultAttribute.createAttribute(switch (node) {
                case ProcessNode p -> "box";
                case FileNode f -> "note";
                case RemoteNode r -> "ellipse";
                case ModuleNode m -> "component";
            }));
            if (node instanceof FileNode file && file.replaced()) {
                attributes.put("style", DefaultAttribute.createAttribute("dashed"));
            }
            return attributes;
        });
        exporter.setEdgeAttributeProvider(edge -> {
            Map<String, Attribute> attributes = new LinkedHashMap<>();
            attributes.put("label", DefaultAttribute.createAttribute(
                    edge.count() == 1 ? edge.verb().wireName() : edge.verb().wireName() + " x" + edge.count()));
            attributes.put("verb", DefaultAttribute.createAttribute(edge.verb().wireName()));
            attributes.put("count", DefaultAttribute.createAttribute(edge.count()));
            attributes.put("bytes", DefaultAttribute.createAttribute(edge.bytes()));
            attributes.put("failed", DefaultAttribute.createAttribute(edge.failed()));
            if (edge.failed() > 0) {
                attributes.put("color", DefaultAttribute.createAttribute("red"));
            }
            return attributes;
        });
        exporter.exportGraph(toGraph(document), out);
    }

    /** GraphML with one typed {@code <key>} per property any node or edge has; edge ids are source:verb:target (an XML name token). */
    public static String graphml(GraphDocument document) {
        StringWriter out = new StringWriter();
        graphml(document, out);
        return out.toString();
    }

    /** {@link #graphml(GraphDocument)} streamed to {@code out}. */
    public static void graphml(GraphDocument document, Writer out) {
        GraphMLExporter<Node, Edge> exporter = new GraphMLExporter<>(Node::id);
        exporter.setEdgeIdProvider(edge -> edge.source() + ":" + edge.verb().wireName() + ":" + edge.target());
        Map<String, AttributeType> nodeKeys = keyTypes(document.nodes(), GraphJson::node, "id");
        Map<String, AttributeType> edgeKeys = keyTypes(document.edges(), GraphJson::edge, "source", "target");
        nodeKeys.forEach((name, type) -> exporter.registerAttribute(name, AttributeCategory.NODE, type));
        edgeKeys.forEach((name, type) -> exporter.registerAttribute(name, AttributeCategory.EDGE, type));
        exporter.setVertexAttributeProvider(node -> attributes(GraphJson.node(node), nodeKeys));
        exporter.setEdgeAttributeProvider(edge -> attributes(GraphJson.edge(edge), edgeKeys));
        exporter.exportGraph(toGraph(document), out);
    }

    /**
     * Cypher for Neo4j 5: a uniqueness constraint per label, then one {@code MERGE} per node
     * ({@code :Process}, {@code :File}, {@code :Remote}, {@code :Module}) and one per edge, typed by the upper-case
     * verb ({@code :WRITE}) and carrying count, bytes, failed, first, last and details. Re-running it is idempotent.
     * Null properties are left out (Neo4j does not store nulls).
     */
    public static String cypher(GraphDocument document) {
        StringBuilder out = new StringBuilder();
        out.append("// changegraph/v1 session ").append(cypherComment(document.session().id()))
                .append(" on ").append(cypherComment(document.session().host())).append('\n');
        document.nodes().stream().map(GraphExports::cypherLabel).collect(Collectors.toCollection(TreeSet::new))
                .forEach(label -> out.append("CREATE CONSTRAINT IF NOT EXISTS FOR (n:").append(label)
                        .append(") REQUIRE n.id IS UNIQUE;\n"));
        Map<String, String> labels = new LinkedHashMap<>();
        for (Node node : document.nodes()) {
            labels.put(node.id(), cypherLabel(node));
            Map<String, Object> properties = GraphJson.node(node);
            properties.remove("kind");
            out.append("MERGE (n:").append(cypherLabel(node)).append(" {id: ").append(cypherValue(node.id()))
                    .append("}) SET n += ").append(cypherMap(properties)).append(";\n");
        }
        for (Edge edge : document.edges()) {
            Map<String, Object> properties = GraphJson.edge(edge);
            properties.keySet().removeAll(List.of("source", "target", "verb"));
            out.append("MATCH (a:").append(labels.get(edge.source())).append(" {id: ").append(cypherValue(edge.source()))
                    .append("}), (b:").append(labels.get(edge.target())).append(" {id: ").append(cypherValue(edge.target()))
                    .append("}) MERGE (a)-[r:").append(edge.verb().name()).append("]->(b) SET r += ")
                    .append(cypherMap(properties)).append(";\n");
        }
        return out.toString();
    }

    private static Graph<Node, Edge> toGraph(GraphDocument document) {
        Graph<Node, Edge> graph = new DirectedPseudograph<>(null, null, false);
        Map<String, Node> byId = new LinkedHashMap<>();
        for (Node node : document.nodes()) {
            byId.put(node.id(), node);
            graph.addVertex(node);
        }
        for (Edge edge : document.edges()) {
            graph.addEdge(Objects.requireNonNull(byId.get(edge.source()), edge.source()),
                    Objects.requireNonNull(byId.get(edge.target()), edge.target()), edge);
        }
        return graph;
    }

    private static String label(Node node) {
        return switch (node) {
            case ProcessNode p -> (p.argv().isEmpty() ? p.exe() : String.join(" ", p.argv())) + " [" + p.pid() + "]";
            case FileNode f -> f.path();
            case RemoteNode r -> r.port() == 0 ? r.address() : r.address() + ":" + r.port();
            case ModuleNode m -> "module " + m.name();
        };
    }

    private static <T> Map<String, AttributeType> keyTypes(List<T> items, Function<T, Map<String, Object>> fields,
                                                         String... skipped) {
        Map<String, AttributeType> types = new java.util.TreeMap<>();
        for (T item : items) {
            fields.apply(item).forEach((name, value) -> {
                if (value != null) {
                    types.merge(name, typeOf(value), (a, b) -> a == b ? a : AttributeType.STRING);
                }
            });
        }
        types.keySet().removeAll(List.of(skipped));
        return types;
    }

    private static AttributeType typeOf(Object value) {
        return switch (value) {
            case Boolean b -> AttributeType.BOOLEAN;
            case Integer i -> AttributeType.INT;
            case Long l -> AttributeType.LONG;
            default -> AttributeType.STRING;
        };
    }

    private static Map<String, Attribute> attributes(Map<String, Object> fields, Map<String, AttributeType> keys) {
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        fields.forEach((name, value) -> {
            AttributeType type = keys.get(name);
            if (value != null && type != null) {
                String text = value instanceof List<?> list ? listText(list) : value.toString();
                // XML 1.0 cannot hold most control characters: they are written as a backslash-u escape
                attributes.put(name, new DefaultAttribute<>(TerminalText.lines(text), type));
            }
        });
        return attributes;
    }

    private static String listText(List<?> list) {
        return list.stream().map(item -> "\"" + item.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static String quoted(String id) {
        return "\"" + id + "\"";
    }

    private static String cypherLabel(Node node) {
        return node.kind().substring(0, 1).toUpperCase(Locale.ROOT) + node.kind().substring(1);
    }

    private static String cypherMap(Map<String, Object> properties) {
        return properties.entrySet().stream().filter(entry -> entry.getValue() != null)
                .map(entry -> entry.getKey() + ": " + cypherValue(entry.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    private static String cypherValue(Object value) {
        return switch (value) {
            case List<?> list -> list.stream().map(GraphExports::cypherValue).collect(Collectors.joining(", ", "[", "]"));
            case Number number -> number.toString();
            case Boolean bool -> bool.toString();
            default -> "'" + value.toString().replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
                    .replace("\r", "\\r") + "'";
        };
    }

    private static String cypherComment(String text) {
        return text.replaceAll("[\\r\\n]", " ");
    }
}
