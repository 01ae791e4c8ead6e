package io.changegraph.repository.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.io.JsonMappers;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.NetEvidence;
import io.changegraph.repository.model.ObjectRef;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Verb;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@link Event} as one line of JSON (no newline inside): keys sorted, every field written (absent values
 * as null), times as ISO-8601 UTC, so the same event always gives the same bytes and
 * {@code fromLine(toLine(e))} equals {@code e}. The object carries a {@code kind}: {@code process},
 * {@code file}, {@code remote} or {@code module}.
 */
public final class EventJson {
    static final ObjectMapper MAPPER = JsonMappers.SORTED;

    private EventJson() {
    }

    public static String toLine(Event event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("time", event.time().toString());
        json.put("subject", process(event.subject()));
        json.put("verb", event.verb().wireName());
        json.put("object", object(event.object()));
        json.put("count", event.count());
        json.put("bytes", event.bytes());
        json.put("failed", event.failed());
        json.put("detail", event.detail());
        if (event.net() != null) {   // additive: only on evidence events, so older journals read the same
            Map<String, Object> net = new LinkedHashMap<>(GraphJson.netFields(event.net()));
            net.put("names", event.net().names());
            json.put("net", net);
        }
        try {
            return MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event of plain values always serialises", e);
        }
    }

    /** Parses one line; a line that is not a complete, valid event is a {@link JournalFormatException}. */
    public static Event fromLine(String line) {
        JsonNode root;
        try {
            root = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new JournalFormatException("not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new JournalFormatException("not a JSON object");
        }
        try {
            return new Event(Instant.parse(text(root, "time")), process(object(root, "subject")),
                    Verb.fromWire(text(root, "verb")), objectRef(object(root, "object")), number(root, "count"),
                    number(root, "bytes"), number(root, "failed"), optionalText(root, "detail"), net(root.get("net")));
        } catch (RuntimeException e) {
            throw e instanceof JournalFormatException j ? j : new JournalFormatException(e.getMessage());
        }
    }

    private static NetEvidence net(JsonNode json) {
        if (json == null || json.isNull()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        json.path("names").forEach(name -> names.add(name.asText()));
        NetEvidence net = GraphJson.netEvidence(json.get("tcp"), json.get("http"), json.get("tls_sni"), names);
        return net != null ? net : new NetEvidence(null, null, null, List.of());
    }

    private static Map<String, Object> process(ProcessNode p) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", "process");
        json.putAll(GraphJson.processFields(p));
        return json;
    }

    private static Map<String, Object> object(ObjectRef ref) {
        Map<String, Object> json = new LinkedHashMap<>();
        switch (ref) {
            case ProcessNode p -> json.putAll(process(p));
            case FileRef f -> {
                json.put("kind", "file");
                json.put("path", f.path());
                json.put("inode", f.inode());
                json.put("resolved", f.resolved());
            }
            case RemoteNode r -> {
                json.put("kind", "remote");
                json.put("family", r.family());
                json.put("address", r.address());
                json.put("port", r.port());
                if (!r.names().isEmpty()) {
                    json.put("names", r.names());
                }
            }
            case ModuleNode m -> {
                json.put("kind", "module");
                json.put("name", m.name());
                json.put("path", m.path());
            }
        }
        return json;
    }

    private static ObjectRef objectRef(JsonNode json) {
        String kind = text(json, "kind");
        return switch (kind) {
            case "process" -> process(json);
            case "file" -> new FileRef(text(json, "path"), number(json, "inode"), bool(json, "resolved"));
            case "remote" -> {
                List<String> names = new ArrayList<>();
                json.path("names").forEach(name -> names.add(name.asText()));
                yield new RemoteNode(text(json, "family"), text(json, "address"), (int) number(json, "port"), names);
            }
            case "module" -> new ModuleNode(text(json, "name"), optionalText(json, "path"));
            default -> throw new JournalFormatException("unknown object kind '" + kind + "'");
        };
    }

    private static ProcessNode process(JsonNode json) {
        List<String> argv = new ArrayList<>();
        JsonNode array = json.get("argv");
        if (array == null || !array.isArray()) {
            throw new JournalFormatException("'argv' must be an array");
        }
        array.forEach(a -> argv.add(a.asText()));
        return new ProcessNode((int) number(json, "pid"), number(json, "start_ns"), (int) number(json, "ppid"),
                optionalText(json, "exe"), argv, optionalText(json, "cwd"), (int) number(json, "uid"),
                (int) number(json, "euid"), optionalInt(json, "exit_code"), optionalInt(json, "exit_signal"),
                bool(json, "followed"), optionalTime(json, "started"), optionalTime(json, "ended"));
    }

    private static JsonNode object(JsonNode json, String key) {
        JsonNode value = json.get(key);
        if (value == null || !value.isObject()) {
            throw new JournalFormatException("'" + key + "' must be an object");
        }
        return value;
    }

    private static String text(JsonNode json, String key) {
        JsonNode value = json.get(key);
        if (value == null || !value.isTextual()) {
            throw new JournalFormatException("'" + key + "' must be a string");
        }
        return value.textValue();
    }

    private static String optionalText(JsonNode json, String key) {
        return json.hasNonNull(key) ? text(json, key) : null;
    }

    private static Instant optionalTime(JsonNode json, String key) {
        return json.hasNonNull(key) ? Instant.parse(text(json, key)) : null;
    }

    private static long number(JsonNode json, String key) {
        JsonNode value = json.get(key);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new JournalFormatException("'" + key + "' must be an integer");
        }
        return value.longValue();
    }

    private static Integer optionalInt(JsonNode json, String key) {
        return json.hasNonNull(key) ? (int) number(json, key) : null;
    }

    private static boolean bool(JsonNode json, String key) {
        JsonNode value = json.get(key);
        if (value == null || !value.isBoolean()) {
            throw new JournalFormatException("'" + key + "' must be true or false");
        }
        return value.booleanValue();
    }
}
