package io.changegraph.repository.formats;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changegraph.repository.io.BadInputException;
import io.changegraph.repository.io.BoundedFiles;
import io.changegraph.repository.io.InputLimits;
import io.changegraph.repository.io.JsonMappers;
import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.NetEvidence;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.model.Summary;
import io.changegraph.repository.model.Verb;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@code changegraph/v1} graph as a stream: one node, edge or alert at a time becomes its model value,
 * so a 200 MB graph never exists as a JSON tree. Bounded by {@link InputLimits} (file size, nesting depth, string
 * length), regular files only, strict UTF-8, nothing after the top-level object. The first problem found is
 * reported, after the schema check, so a file that is not a graph says so rather than naming one of its values.
 */
final class GraphReader {
    /** One value of the document at a time: the document goes on after it. */
    private static final ObjectReader ELEMENT = JsonMappers.SORTED.reader()
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final String source;
    private final JsonParser parser;
    private GraphFormatException firstProblem;
    private String schema;
    private JsonNode session = NullNode.instance;
    private JsonNode stats = NullNode.instance;
    private JsonNode summary = NullNode.instance;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Edge> edges = new ArrayList<>();
    private final List<String> edgePlaces = new ArrayList<>();
    private final List<Alert> alerts = new ArrayList<>();
    private boolean hasSession;
    private boolean hasStats;
    private boolean hasNodes;
    private boolean hasEdges;

    private GraphReader(String source, JsonParser parser) {
        this.source = source;
        this.parser = parser;
    }

    static GraphDocument read(Path file) {
        InputLimits limits = InputLimits.current();
        try (InputStream in = BoundedFiles.open(file, "graph file", limits.graphBytes(), InputLimits.GRAPH_MB)) {
            byte[] head = in.readNBytes(4);
            if (head.length >= 2 && (head[0] == 0 || head[1] == 0 || (head[0] & 0xff) >= 0xfe)) {
                throw new GraphFormatException(file + " is not UTF-8 text (a UTF-16 or UTF-32 file?): save it as UTF-8");
            }
            InputStream all = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head), in);
            try (JsonParser parser = JsonMappers.SORTED.getFactory().createParser(all)) {
                return new GraphReader(file.toString(), parser).read();
            }
        } catch (NoSuchFileException e) {
            throw new GraphFormatException("no such file " + file);
        } catch (BadInputException e) {
            throw new GraphFormatException(e.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw problem(e, file.toString());
        } catch (IOException e) {
            throw new GraphFormatException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static GraphDocument read(String text, String source) {
        try (JsonParser parser = JsonMappers.SORTED.getFactory().createParser(text)) {
            return new GraphReader(source, parser).read();
        } catch (JsonProcessingException e) {
            throw problem(e, source);
        } catch (IOException e) {
            throw new GraphFormatException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    private static GraphFormatException problem(JsonProcessingException e, String source) {
        String limit = JsonMappers.limitMessage(e);
        if (limit != null) {
            return new GraphFormatException(source + ": " + limit, e);
        }
        String message = String.valueOf(e.getOriginalMessage());
        if (message.contains("Invalid UTF-8")) {
            return new GraphFormatException(source + " is not UTF-8 text (line " + e.getLocation().getLineNr()
                    + "): save it as UTF-8", e);
        }
        return new GraphFormatException(source + " is not valid JSON (line " + e.getLocation().getLineNr()
                + ", column " + e.getLocation().getColumnNr() + "): " + message.lines().findFirst().orElse(""), e);
    }

    private GraphDocument read() throws IOException {
        JsonToken first = parser.nextToken();
        if (first != JsonToken.START_OBJECT) {
            if (first != null) {
                parser.skipChildren();
                trailing();
            }
            throw notAGraph();
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (key) {
                case "schema" -> schema = value == JsonToken.VALUE_STRING ? parser.getText() : "";
                case "nodes" -> hasNodes = elements(value, "nodes", this::node);
                case "edges" -> hasEdges = elements(value, "edges", this::edge);
                case "alerts" -> elements(value, "alerts", this::alert);
                case "session" -> {
                    session = ELEMENT.readTree(parser);
                    hasSession = true;
                }
                case "stats" -> {
                    stats = ELEMENT.readTree(parser);
                    hasStats = true;
                }
                case "summary" -> summary = ELEMENT.readTree(parser);
                default -> parser.skipChildren();   // keys a newer writer may add
            }
        }
        trailing();
        if (schema == null) {
            throw notAGraph();
        }
        if (!GraphDocument.SCHEMA.equals(schema)) {
            throw new GraphFormatException("unsupported schema '" + schema + "' in " + source
                    + ": this changegraph reads " + GraphDocument.SCHEMA);
        }
        if (firstProblem != null) {
            throw firstProblem;
        }
        try {
            return document();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new GraphFormatException(source + ": " + e.getMessage(), e);
        }
    }

    private void trailing() throws IOException {
        JsonToken after = parser.nextToken();
        if (after != null) {
            throw new GraphFormatException(source + " has content after the graph (line "
                    + parser.currentTokenLocation().getLineNr() + "): a graph file holds one JSON object");
        }
    }

    private GraphFormatException notAGraph() {
        return new GraphFormatException(source + " is not a changegraph graph (no top-level 'schema' key)");
    }

    private interface Element {
        void accept(Fields fields);
    }

    /** Reads an array one object at a time; false (and a problem kept) when it is not an array of objects. */
    private boolean elements(JsonToken start, String key, Element element) throws IOException {
        if (start == JsonToken.VALUE_NULL) {
            return false;
        }
        if (start != JsonToken.START_ARRAY) {
            parser.skipChildren();
            keep(new GraphFormatException(source + ": '" + key + "' must be an array"));
            return true;
        }
        int i = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            String where = source + ": " + key + "[" + i + "]";
            if (key.equals("edges") && parser.currentToken() == JsonToken.START_OBJECT) {
                edgeFromTokens(where);   // the bulk of a graph: no JSON tree per edge
                i++;
                continue;
            }
            JsonNode json = ELEMENT.readTree(parser);
            if (firstProblem == null) {
                if (!(json instanceof ObjectNode)) {
                    keep(new GraphFormatException(source + ": '" + key + "[" + i + "]' must be an object"));
                } else {
                    try {
                        element.accept(new Fields(json, where));
                    } catch (GraphFormatException e) {
                        keep(e);
                    } catch (IllegalArgumentException | NullPointerException e) {
                        keep(new GraphFormatException(source + ": " + e.getMessage(), e));
                    }
                }
            }
            i++;
        }
        return true;
    }

    /**
     * One edge straight from the parser's tokens, with the checks and messages of {@link GraphJson#edge(Fields)}
     * (the first problem in the same key order); the object is always read to its end.
     */
    private void edgeFromTokens(String where) throws IOException {
        String[] texts = new String[EDGE_TEXTS.length];
        long[] numbers = new long[EDGE_NUMBERS.length];
        String[] wrong = new String[EDGE_TEXTS.length + EDGE_NUMBERS.length + 1];
        boolean[] present = new boolean[EDGE_TEXTS.length + EDGE_NUMBERS.length + 1];
        List<String> details = List.of();
        JsonNode tcp = null;
        JsonNode http = null;
        JsonNode tlsSni = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            // network evidence is rare (connect edges only): read as a tree, checked as GraphJson.edge does
            switch (name) {
                case "tcp" -> {
                    tcp = ELEMENT.readTree(parser);
                    continue;
                }
                case "http" -> {
                    http = ELEMENT.readTree(parser);
                    continue;
                }
                case "tls_sni" -> {
                    tlsSni = ELEMENT.readTree(parser);
                    continue;
                }
                default -> { }
            }
            int text = indexOf(EDGE_TEXTS, name);
            int number = indexOf(EDGE_NUMBERS, name);
            if (token == JsonToken.VALUE_NULL) {
                if (text >= 0) {
                    present[text] = false;
                } else if (number >= 0) {
                    present[EDGE_TEXTS.length + number] = false;
                } else if (name.equals("details")) {
                    present[present.length - 1] = false;
                }
            } else if (text >= 0) {
                present[text] = true;
                wrong[text] = token == JsonToken.VALUE_STRING ? null : "a string";
                texts[text] = token == JsonToken.VALUE_STRING ? parser.getText() : null;
                parser.skipChildren();
            } else if (number >= 0) {
                int at = EDGE_TEXTS.length + number;
                present[at] = true;
                boolean fits = token == JsonToken.VALUE_NUMBER_INT
                        && parser.getNumberType() != com.fasterxml.jackson.core.JsonParser.NumberType.BIG_INTEGER;
                wrong[at] = fits ? null : "an integer";
                numbers[number] = fits ? parser.getLongValue() : 0;
                parser.skipChildren();
            } else if (name.equals("details")) {
                present[present.length - 1] = true;
                if (token != JsonToken.START_ARRAY) {
                    wrong[wrong.length - 1] = "an array";
                    parser.skipChildren();
                } else {
                    List<String> list = new ArrayList<>();
                    wrong[wrong.length - 1] = null;
                    for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                        if (t == JsonToken.VALUE_STRING) {
                            list.add(parser.getText());
                        } else {
                            wrong[wrong.length - 1] = "an array of strings";
                            parser.skipChildren();
                        }
                    }
                    details = list;
                }
            } else {
                parser.skipChildren();   // a key a newer writer may add
            }
        }
        if (firstProblem != null) {
            return;
        }
        try {
            // the order of GraphJson.edge(Fields): source, target, verb, count, bytes, failed, first, last, details
            required(where, "source", present[0], wrong[0]);
            required(where, "target", present[1], wrong[1]);
            required(where, "verb", present[2], wrong[2]);
            Verb verb;
            try {
                verb = Verb.fromWire(texts[2]);
            } catch (IllegalArgumentException e) {
                throw new GraphFormatException(where + ": 'verb': " + e.getMessage());
            }
            for (int m = 0; m < EDGE_NUMBERS.length; m++) {
                required(where, EDGE_NUMBERS[m], present[EDGE_TEXTS.length + m], wrong[EDGE_TEXTS.length + m]);
            }
            for (int k = 3; k < EDGE_TEXTS.length; k++) {
                if (present[k] && wrong[k] != null) {
                    throw new GraphFormatException(where + ": '" + EDGE_TEXTS[k] + "' must be " + wrong[k]);
                }
            }
            java.time.Instant first = time(where, "first", present[3] ? texts[3] : null);
            java.time.Instant last = time(where, "last", present[4] ? texts[4] : null);
            if (present[present.length - 1] && wrong[wrong.length - 1] != null) {
                throw new GraphFormatException(where + ": 'details' must be " + wrong[wrong.length - 1]);
            }
            NetEvidence net = GraphJson.netEvidence(tcp, http, tlsSni, List.of());
            edges.add(new Edge(texts[0], texts[1], verb, numbers[0], numbers[1], numbers[2], first, last,
                    present[present.length - 1] ? details : List.of(), net == null ? null : net.forEdge()));
            edgePlaces.add(where);
        } catch (GraphFormatException e) {
            keep(e);
        } catch (IllegalArgumentException | NullPointerException e) {
            keep(new GraphFormatException(source + ": " + e.getMessage(), e));
        }
    }

    private static final String[] EDGE_TEXTS = {"source", "target", "verb", "first", "last"};
    private static final String[] EDGE_NUMBERS = {"count", "bytes", "failed"};

    private static int indexOf(String[] names, String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static void required(String where, String key, boolean present, String wrong) {
        if (!present) {
            throw new GraphFormatException(where + ": missing required key '" + key + "'");
        }
        if (wrong != null) {
            throw new GraphFormatException(where + ": '" + key + "' must be " + wrong);
        }
    }

    private static java.time.Instant time(String where, String key, String text) {
        if (text == null) {
            return null;
        }
        java.time.Instant fast = Fields.utc(text);
        if (fast != null) {
            return fast;
        }
        try {
            return java.time.Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new GraphFormatException(where + ": '" + key + "' must be an ISO-8601 UTC time like"
                    + " 2026-11-21T20:00:00Z, not '" + text + "'");
        }
    }

    private void keep(GraphFormatException problem) {
        if (firstProblem == null) {
            firstProblem = problem;
        }
    }

    private void node(Fields json) {
        nodes.add(GraphJson.node(json));
    }

    private void edge(Fields json) {
        edges.add(GraphJson.edge(json));
        edgePlaces.add(json.where());
    }

    private void alert(Fields json) {
        alerts.add(GraphJson.alert(json));
    }

    private GraphDocument document() {
        if (!hasStats || !stats.isObject()) {
            throw required("stats", hasStats);
        }
        if (!hasNodes) {
            throw required("nodes", false);
        }
        if (!hasEdges) {
            throw required("edges", false);
        }
        if (!hasSession || !session.isObject()) {
            throw required("session", hasSession);
        }
        Fields stat = new Fields(stats, source + ": stats");
        Set<String> ids = new HashSet<>();
        for (Node node : nodes) {
            if (!ids.add(node.id())) {
                throw new GraphFormatException(source + ": duplicate node id '" + node.id() + "'");
            }
        }
        for (int i = 0; i < edges.size(); i++) {
            Edge edge = edges.get(i);
            if (!ids.contains(edge.source()) || !ids.contains(edge.target())) {
                throw new GraphFormatException(edgePlaces.get(i) + ": edge " + edge.key() + " names a node that is not in 'nodes'");
            }
        }
        return new GraphDocument(GraphJson.session(new Fields(session, source + ": session")),
                new Stats(stat.longValue("events"), stat.longValue("lost_kernel"), stat.longValue("dropped_user"),
                        GraphJson.degradations(stat)),
                nodes, edges, alerts, summary());
    }

    /** The optional {@code summary} section (impact), as GraphJson reads it. */
    private Summary summary() {
        if (summary.isNull()) {
            return null;
        }
        if (!summary.isObject()) {
            throw new GraphFormatException(source + ": 'summary' must be an object");
        }
        return GraphJson.summary(new Fields(summary, source + ": summary"));
    }

    private GraphFormatException required(String key, boolean present) {
        return present && !(key.equals("session") ? session : stats).isNull()
                ? new GraphFormatException(source + ": '" + key + "' must be " + (key.equals("nodes") || key.equals("edges") ? "an array" : "an object"))
                : new GraphFormatException(source + ": missing required key '" + key + "'");
    }
}
