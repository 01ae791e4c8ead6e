package io.changegraph.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.changegraph.repository.store.EventJson;
import io.changegraph.repository.store.SessionRecord;
import io.changegraph.repository.store.SessionStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;

/**
 * One {@code POST /api/v1/ingest} body, checked: the session record, events {@code first_seq ..
 * first_seq + events.size() - 1} (each a valid journal event, kept as compact JSON), and optionally the latest
 * summary, alerts and the whole graph (gzip-compressed here, once).
 *
 * @param events        compact JSON of each event, in journal order
 * @param summary       null when not sent
 * @param alerts        null when not sent
 * @param graphGzip     null when not sent
 * @param graphJsonBytes size of the graph's JSON before compression (0 without one)
 */
record IngestBatch(SessionRecord session, String sessionJson, long firstSeq, List<String> events, String summary,
                   String alerts, AlertCounts alertCounts, int behaviours, byte[] graphGzip, long graphJsonBytes) {
    static final int MAX_EVENTS = 5_000;
    static final String GRAPH_SCHEMA = "changegraph/v1";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    IngestBatch {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(sessionJson, "sessionJson");
        events = List.copyOf(events);
        if (firstSeq < 0) {
            throw new IllegalArgumentException("first_seq " + firstSeq + " is negative");
        }
        if (events.size() > MAX_EVENTS) {
            throw new IllegalArgumentException(events.size() + " events in one batch: send at most " + MAX_EVENTS);
        }
    }

    /** The seq after the batch's last event. */
    long endSeq() {
        return firstSeq + events.size();
    }

    /** Severity counts of the alerts sent ({@code info}, {@code warning}, {@code critical}). */
    record AlertCounts(int critical, int warning, int info) {
        static final AlertCounts NONE = new AlertCounts(0, 0, 0);
    }

    /**
     * Reads and checks a body.
     *
     * @throws BadBatch one line saying what is wrong (answered 400)
     */
    static IngestBatch parse(byte[] body) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadBatch("the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root == null || !root.isObject()) {
            throw new BadBatch("the body is not a JSON object");
        }
        JsonNode sessionNode = root.get("session");
        if (sessionNode == null || !sessionNode.isObject()) {
            throw new BadBatch("'session' is missing or not an object: send the session record (SessionStore.toMap)");
        }
        SessionRecord session;
        try {
            session = SessionStore.fromMap(sessionNode);
        } catch (RuntimeException e) {
            throw new BadBatch("bad session record: " + e.getMessage());
        }
        if (session.host().isEmpty()) {
            throw new BadBatch("the session record has no host");
        }
        JsonNode first = root.get("first_seq");
        if (first == null || !first.isIntegralNumber() || first.asLong() < 0) {
            throw new BadBatch("'first_seq' is missing or not a whole number >= 0");
        }
        JsonNode eventsNode = root.get("events");
        if (eventsNode == null || !eventsNode.isArray()) {
            throw new BadBatch("'events' is missing or not an array (send [] for none)");
        }
        if (eventsNode.size() > MAX_EVENTS) {
            throw new BadBatch(eventsNode.size() + " events in one batch: send at most " + MAX_EVENTS);
        }
        List<String> events = new ArrayList<>(eventsNode.size());
        for (int i = 0; i < eventsNode.size(); i++) {
            JsonNode event = eventsNode.get(i);
            String line = event.toString();
            try {
                if (!event.isObject()) {
                    throw new IllegalArgumentException("not a JSON object");
                }
                EventJson.fromLine(line);
            } catch (RuntimeException e) {
                throw new BadBatch("events[" + i + "] (seq " + (first.asLong() + i) + ") is not a journal event: "
                        + e.getMessage());
            }
            events.add(line);
        }
        String summary = null;
        int behaviours = 0;
        JsonNode summaryNode = root.get("summary");
        if (summaryNode != null && !summaryNode.isNull()) {
            if (!summaryNode.isObject()) {
                throw new BadBatch("'summary' is not an object (the graph's summary section)");
            }
            summary = summaryNode.toString();
            behaviours = summaryNode.path("behaviours").size();
        }
        String alerts = null;
        AlertCounts counts = AlertCounts.NONE;
        JsonNode alertsNode = root.get("alerts");
        if (alertsNode != null && !alertsNode.isNull()) {
            if (!alertsNode.isArray()) {
                throw new BadBatch("'alerts' is not an array (the graph's alerts)");
            }
            alerts = alertsNode.toString();
            counts = count((ArrayNode) alertsNode);
        }
        byte[] graph = null;
        long graphBytes = 0;
        JsonNode graphNode = root.get("graph");
        if (graphNode != null && !graphNode.isNull()) {
            if (!graphNode.isObject() || !GRAPH_SCHEMA.equals(graphNode.path("schema").asText())) {
                throw new BadBatch("'graph' is not a " + GRAPH_SCHEMA + " document");
            }
            String graphId = graphNode.path("session").path("id").asText(null);
            if (graphId != null && !graphId.equals(session.id())) {
                throw new BadBatch("'graph' is session " + graphId + ", not " + session.id());
            }
            byte[] json;
            try {
                json = MAPPER.writeValueAsBytes(graphNode);
            } catch (JsonProcessingException e) {
                throw new BadBatch("'graph' cannot be written back: " + e.getOriginalMessage());
            }
            graphBytes = json.length;
            graph = gzip(json);
        }
        return new IngestBatch(session, sessionNode.toString(), first.asLong(), events, summary, alerts, counts,
                behaviours, graph, graphBytes);
    }

    private static AlertCounts count(ArrayNode alerts) {
        int critical = 0;
        int warning = 0;
        int info = 0;
        for (JsonNode alert : alerts) {
            switch (alert.path("severity").asText("")) {
                case "critical" -> critical++;
                case "warning" -> warning++;
                case "info" -> info++;
                default -> {
                    // an unknown severity is kept in the alerts but not counted
                }
            }
        }
        return new AlertCounts(critical, warning, info);
    }

    static byte[] gzip(byte[] json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, json.length / 8));
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024)) {
            gz.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A body the hub will not take, and why (one line). */
    static final class BadBatch extends RuntimeException {
        BadBatch(String message) {
            super(message);
        }
    }
}
