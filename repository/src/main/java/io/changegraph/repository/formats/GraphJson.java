package io.changegraph.repository.formats;

import com.fasterxml.jackson.core.JsonGenerator;
import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.Degradation;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileEffect;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.HttpRequest;
import io.changegraph.repository.model.LeftRunning;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.NetEvidence;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.RemoteUse;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.model.Summary;
import io.changegraph.repository.model.SummaryBehaviour;
import io.changegraph.repository.model.TcpCounts;
import java.io.StringWriter;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changegraph.repository.io.AtomicFile;
import io.changegraph.repository.io.InputLimits;
import io.changegraph.repository.io.JsonMappers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes graphs as {@code changegraph/v1} JSON: snake_case keys sorted alphabetically, times as
 * ISO-8601 UTC strings, pretty-printed with a trailing newline, so the same graph always gives the same bytes.
 * Every field of the model is written (absent values as {@code null}), so {@code read(write(doc))} equals
 * {@code doc}. The reader ignores keys it does not know (a newer writer may add some), rejects another
 * {@code schema} and reports the first missing or malformed value in one line.
 */
public final class GraphJson {
    private static final ObjectMapper MAPPER = JsonMappers.PRETTY;

    private GraphJson() {
    }

    /**
     * Writes the graph atomically: to a temp file beside {@code file}, then renamed over it. The JSON is
     * streamed one node or edge at a time, so writing a large graph needs no second copy of it in memory.
     */
    public static void write(GraphDocument document, Path file) {
        try {
            // UTF-8 bytes straight to the temp file, no char stage; AtomicFile renames it over the target
            AtomicFile.write(file, out -> write(document, MAPPER.writer().createGenerator(out)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write graph " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the document's JSON to {@code out} (UTF-8) and closes it. */
    static void write(GraphDocument document, OutputStream out) throws IOException {
        write(document, MAPPER.writer().createGenerator(out));
    }

    public static String toJson(GraphDocument document) {
        StringWriter out = new StringWriter();
        try {
            write(document, MAPPER.writer().createGenerator(out));
        } catch (IOException e) {
            throw new IllegalStateException("writing to a string cannot fail", e);
        }
        return out.toString();
    }

    /**
     * The document's JSON streamed to {@code out} (which is flushed and closed by the generator: give a writer
     * whose close only flushes when the stream goes on, as {@code export} does).
     */
    public static void write(GraphDocument document, Writer out) throws IOException {
        write(document, MAPPER.writer().createGenerator(out));
    }

    /** The document's JSON, top-level keys in alphabetical order, each element serialised on its own. */
    private static void write(GraphDocument document, JsonGenerator generator) throws IOException {
        try (JsonGenerator gen = generator) {
            gen.writeStartObject();
            writeArray(gen, "alerts", document.alerts(), GraphJson::alert);
            gen.writeArrayFieldStart("edges");   // the bulk of a graph: written field by field, no map per edge
            for (Edge edge : document.edges()) {
                writeEdge(gen, edge);
            }
            gen.writeEndArray();
            writeArray(gen, "nodes", document.nodes(), GraphJson::node);
            gen.writeStringField("schema", GraphDocument.SCHEMA);
            gen.writeFieldName("session");
            MAPPER.writeValue(gen, session(document.session()));
            gen.writeFieldName("stats");
            MAPPER.writeValue(gen, statsFields(document.stats()));
            gen.writeFieldName("summary");
            MAPPER.writeValue(gen, document.summary() == null ? null : summaryFields(document.summary()));
            gen.writeEndObject();
            gen.writeRaw('\n');
        }
    }

    private static <T> void writeArray(JsonGenerator gen, String name, List<T> items,
                                       Function<T, Map<String, Object>> toJson) throws IOException {
        gen.writeArrayFieldStart(name);
        for (T item : items) {
            MAPPER.writeValue(gen, toJson.apply(item));
        }
        gen.writeEndArray();
    }

    /**
     * Reads a graph file as a stream, within the {@link InputLimits} (size, nesting, string length); a FIFO or
     * device is refused before it is opened.
     *
     * @throws GraphFormatException one line: what is wrong, where, and for a limit how to raise it
     */
    public static GraphDocument read(Path file) {
        return GraphReader.read(file);
    }

    public static GraphDocument fromJson(String json) {
        return GraphReader.read(json, "<input>");
    }

    /**
     * A summary in {@code changegraph/v1} key names (snake_case; the graph's {@code summary} section and the body
     * of {@code changegraph-summary/v1}), lists in the summary's sorted order.
     */
    public static Map<String, Object> summaryFields(Summary summary) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("behaviours", summary.behaviours().stream().map(b -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", b.kind());
            m.put("subject", b.subject());
            m.put("detail", b.detail());
            m.put("processes", b.processes());
            m.put("evidence", b.evidence());
            return m;
        }).toList());
        json.put("files", summary.files().stream().map(f -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", f.path());
            m.put("effect", f.effect());
            m.put("from", f.from());
            m.put("mode", f.mode());
            m.put("owner", f.owner());
            m.put("by", f.by());
            m.put("command", f.command());
            m.put("transients", f.transients());
            m.put("evidence", f.evidence());
            return m;
        }).toList());
        json.put("remotes", summary.remotes().stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("endpoint", r.endpoint());
            m.put("connects", r.connects());
            m.put("failed", r.failed());
            m.put("processes", r.processes());
            if (!r.names().isEmpty()) {           // additive: only when known
                m.put("names", r.names());
            }
            if (r.refused() > 0) {
                m.put("refused", r.refused());
            }
            if (r.timedOut() > 0) {
                m.put("timed_out", r.timedOut());
            }
            return m;
        }).toList());
        json.put("left_running", summary.leftRunning().stream().map(l -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("process", l.process());
            m.put("pid", l.pid());
            m.put("command", l.command());
            return m;
        }).toList());
        json.put("folded", summary.folded());
        return json;
    }

    static Summary summary(Fields json) {
        List<SummaryBehaviour> behaviours = json.objects("behaviours").stream().map(b -> new SummaryBehaviour(b.text("kind"),
                b.text("subject"), b.optionalText("detail"), b.texts("processes"), b.texts("evidence"))).toList();
        List<FileEffect> files = json.objects("files").stream().map(f -> new FileEffect(f.text("path"), f.text("effect"),
                f.optionalText("from"), f.optionalText("mode"), f.optionalText("owner"), f.text("by"),
                f.optionalText("command"), f.longValue("transients"), f.texts("evidence"))).toList();
        List<RemoteUse> remotes = json.objects("remotes").stream().map(r -> new RemoteUse(r.text("id"), r.text("endpoint"),
                r.longValue("connects"), r.longValue("failed"), r.texts("processes"),
                r.has("names") ? r.texts("names") : List.of(), r.has("refused") ? r.longValue("refused") : 0,
                r.has("timed_out") ? r.longValue("timed_out") : 0)).toList();
        List<LeftRunning> left = json.objects("left_running").stream().map(l -> new LeftRunning(l.text("process"),
                l.intValue("pid"), l.optionalText("command"))).toList();
        Map<String, Long> folded = new LinkedHashMap<>();
        Fields counts = json.object("folded");
        for (String key : counts.keys()) {
            folded.put(key, counts.longValue(key));
        }
        return new Summary(behaviours, files, remotes, left, folded);
    }

    /** The session's JSON fields in {@code changegraph/v1} key names (also the {@code session} of a summary). */
    public static Map<String, Object> sessionFields(Session session) {
        return session(session);
    }

    private static Map<String, Object> session(Session session) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", session.id());
        json.put("host", session.host());
        json.put("user", session.user());
        json.put("root_pid", session.rootPid());
        json.put("command", session.command());
        json.put("started", time(session.started()));
        json.put("ended", time(session.ended()));
        if (session.rules() != null) {
            json.put("rules", session.rules());
        }
        return json;
    }

    static Session session(Fields json) {
        return new Session(json.text("id"), json.optionalText("host"), json.optionalText("user"), json.intValue("root_pid"),
                json.texts("command"), json.time("started"), json.time("ended"), json.optionalText("rules"));
    }

    /**
     * A process's attributes in {@code changegraph/v1} key names (without id and kind), absent values as null:
     * the one definition of how a process is written, shared with the session journal.
     */
    public static Map<String, Object> processFields(ProcessNode p) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("pid", p.pid());
        json.put("start_ns", p.startNs());
        json.put("ppid", p.ppid());
        json.put("exe", p.exe());
        json.put("argv", p.argv());
        json.put("cwd", p.cwd());
        json.put("uid", p.uid());
        json.put("euid", p.euid());
        json.put("exit_code", p.exitCode());
        json.put("exit_signal", p.exitSignal());
        json.put("followed", p.followed());
        json.put("started", time(p.started()));
        json.put("ended", time(p.ended()));
        return json;
    }

    /** The JSON fields of a node in {@code changegraph/v1} key names, absent values as null; exports reuse them. */
    static Map<String, Object> node(Node node) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", node.id());
        json.put("kind", node.kind());
        switch (node) {
            case ProcessNode p -> json.putAll(processFields(p));
            case FileNode f -> {
                json.put("path", f.path());
                json.put("paths", f.paths());
                json.put("inode", f.inode());
                json.put("resolved", f.resolved());
                json.put("replaced", f.replaced());
            }
            case RemoteNode r -> {
                json.put("family", r.family());
                json.put("address", r.address());
                json.put("port", r.port());
                if (!r.names().isEmpty()) {
                    json.put("names", r.names());   // additive: only on named remotes
                }
            }
            case ModuleNode m -> {
                json.put("name", m.name());
                json.put("path", m.path());
            }
        }
        return json;
    }

    static Node node(Fields json) {
        Node node = nodeOfKind(json);
        String id = json.text("id");
        if (!id.equals(node.id())) {
            throw new GraphFormatException(json.where() + ": id '" + id + "' does not match the node's identity (expected '"
                    + node.id() + "')");
        }
        return node;
    }

    private static Node nodeOfKind(Fields json) {
        String kind = json.text("kind");
        return switch (kind) {
            case "process" -> new ProcessNode(json.intValue("pid"), json.longValue("start_ns"), json.intValue("ppid"),
                    json.optionalText("exe"), json.texts("argv"), json.optionalText("cwd"), json.intValue("uid"),
                    json.intValue("euid"), json.optionalInt("exit_code"), json.optionalInt("exit_signal"),
                    json.bool("followed"), json.time("started"), json.time("ended"));
            case "file" -> new FileNode(json.text("id"), json.text("path"), json.texts("paths"), json.longValue("inode"),
                    json.bool("resolved"), json.bool("replaced"));
            case "remote" -> new RemoteNode(json.text("family"), json.text("address"), json.intValue("port"),
                    json.has("names") ? json.texts("names") : List.of());
            case "module" -> new ModuleNode(json.text("name"), json.optionalText("path"));
            default -> throw new GraphFormatException(json.where() + ": unknown node kind '" + kind + "'");
        };
    }

    /** The JSON fields of an edge in {@code changegraph/v1} key names; exports reuse them. */
    /** The same JSON as {@link #edge(Edge)}, keys in alphabetical order, straight to the generator. */
    private static void writeEdge(JsonGenerator gen, Edge edge) throws IOException {
        gen.writeStartObject();
        gen.writeNumberField("bytes", edge.bytes());
        gen.writeNumberField("count", edge.count());
        gen.writeArrayFieldStart("details");
        for (String detail : edge.details()) {
            gen.writeString(detail);
        }
        gen.writeEndArray();
        gen.writeNumberField("failed", edge.failed());
        gen.writeStringField("first", time(edge.first()));
        NetEvidence net = edge.net();
        if (net != null && net.http() != null) {
            gen.writeFieldName("http");
            MAPPER.writeValue(gen, http(net.http()));
        }
        gen.writeStringField("last", time(edge.last()));
        gen.writeStringField("source", edge.source());
        gen.writeStringField("target", edge.target());
        if (net != null && net.tcp() != null) {
            gen.writeFieldName("tcp");
            MAPPER.writeValue(gen, tcp(net.tcp()));
        }
        if (net != null && net.tlsSni() != null) {
            gen.writeStringField("tls_sni", net.tlsSni());
        }
        gen.writeStringField("verb", edge.verb().wireName());
        gen.writeEndObject();
    }

    private static Map<String, Object> http(HttpRequest http) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("method", http.method());
        json.put("host", http.host());
        json.put("path", http.path());
        return json;
    }

    private static Map<String, Object> tcp(TcpCounts tcp) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("established", tcp.established());
        json.put("syn_retransmits", tcp.synRetransmits());
        json.put("retransmits", tcp.retransmits());
        json.put("resets_received", tcp.resetsReceived());
        json.put("resets_sent", tcp.resetsSent());
        json.put("refused", tcp.refused());
        json.put("timed_out", tcp.timedOut());
        json.put("bytes_sent", tcp.bytesSent());
        json.put("bytes_received", tcp.bytesReceived());
        return json;
    }

    /** The {@code tcp}, {@code http} and {@code tls_sni} of an edge or journal event, null when none is there. */
    public static NetEvidence netEvidence(JsonNode tcp, JsonNode http, JsonNode tlsSni, List<String> names) {
        TcpCounts counts = tcp == null || tcp.isNull() ? null : new TcpCounts(tcp.path("established").asLong(),
                tcp.path("syn_retransmits").asLong(), tcp.path("retransmits").asLong(),
                tcp.path("resets_received").asLong(), tcp.path("resets_sent").asLong(), tcp.path("refused").asLong(),
                tcp.path("timed_out").asLong(), tcp.path("bytes_sent").asLong(), tcp.path("bytes_received").asLong());
        HttpRequest request = http == null || http.isNull() ? null : new HttpRequest(http.path("method").asText(),
                http.hasNonNull("host") ? http.get("host").asText() : null, http.path("path").asText());
        String sni = tlsSni == null || tlsSni.isNull() ? null : tlsSni.asText();
        if (counts == null && request == null && sni == null && names.isEmpty()) {
            return null;
        }
        return new NetEvidence(counts, request, sni, names);
    }

    /** The {@code tcp}, {@code http} and {@code tls_sni} fields of evidence (those present), in JSON form. */
    public static Map<String, Object> netFields(NetEvidence net) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (net.tcp() != null) {
            json.put("tcp", tcp(net.tcp()));
        }
        if (net.http() != null) {
            json.put("http", http(net.http()));
        }
        if (net.tlsSni() != null) {
            json.put("tls_sni", net.tlsSni());
        }
        return json;
    }

    static Map<String, Object> edge(Edge edge) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("source", edge.source());
        json.put("target", edge.target());
        json.put("verb", edge.verb().wireName());
        json.put("count", edge.count());
        json.put("bytes", edge.bytes());
        json.put("failed", edge.failed());
        json.put("first", time(edge.first()));
        json.put("last", time(edge.last()));
        json.put("details", edge.details());
        if (edge.net() != null) {
            json.putAll(netFields(edge.net()));
        }
        return json;
    }

    static Edge edge(Fields json) {
        return new Edge(json.text("source"), json.text("target"), json.verb("verb"), json.longValue("count"),
                json.longValue("bytes"), json.longValue("failed"), json.time("first"), json.time("last"),
                json.has("details") ? json.texts("details") : List.of(),
                edgeNet(json.raw()));
    }

    private static NetEvidence edgeNet(JsonNode json) {
        NetEvidence net = netEvidence(json.get("tcp"), json.get("http"), json.get("tls_sni"), List.of());
        return net == null ? null : net.forEdge();
    }

    private static Map<String, Object> alert(Alert alert) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("rule_id", alert.ruleId());
        json.put("severity", alert.severity());
        json.put("description", alert.description());
        json.put("node", alert.node());
        json.put("edge_source", alert.edgeSource());
        json.put("edge_verb", alert.edgeVerb() == null ? null : alert.edgeVerb().wireName());
        json.put("edge_target", alert.edgeTarget());
        json.put("time", time(alert.time()));
        return json;
    }

    static Alert alert(Fields json) {
        String verb = json.optionalText("edge_verb");
        return new Alert(json.text("rule_id"), json.text("severity"), json.optionalText("description"),
                json.optionalText("node"), json.optionalText("edge_source"), verb == null ? null : json.verb("edge_verb"),
                json.optionalText("edge_target"), json.time("time"));
    }

    /** The stats object; {@code degradations} only when there were any (older readers never see the key). */
    private static Map<String, Object> statsFields(Stats stats) {
        Map<String, Object> fields = new java.util.TreeMap<>();
        fields.put("events", stats.events());
        fields.put("lost_kernel", stats.lostKernel());
        fields.put("dropped_user", stats.droppedUser());
        if (!stats.degradations().isEmpty()) {
            fields.put("degradations", stats.degradations().stream().map(d -> {
                Map<String, Object> step = new java.util.LinkedHashMap<>();
                step.put("level", d.level());
                step.put("step", d.step());
                step.put("start", time(d.start()));
                step.put("end", time(d.end()));
                step.put("reason", d.reason());
                return step;
            }).toList());
        }
        return fields;
    }

    /** The optional {@code stats.degradations} of a graph file. */
    static List<Degradation> degradations(Fields stats) {
        if (!stats.has("degradations")) {
            return List.of();
        }
        List<Degradation> steps = new java.util.ArrayList<>();
        for (Fields step : stats.objects("degradations")) {
            try {
                steps.add(new Degradation(step.intValue("level"), step.text("step"), step.time("start"),
                        step.time("end"), step.text("reason")));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new GraphFormatException(step.where() + ": " + e.getMessage());
            }
        }
        return steps;
    }

    private static String time(Instant time) {
        return time == null ? null : Times.iso(time);
    }
}
