package io.changegraph.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changegraph.impact.Impact;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.store.EventJson;
import io.changegraph.repository.store.SessionRecord;
import io.changegraph.repository.store.SessionStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Graphs for sessions whose agent sent none (a final graph over the request limit, a lost graph file): once a
 * session is over and the hub holds all its events ({@code next_seq} reached the record's event count), one
 * background thread replays the stored events into a graph, as the agent's store rebuilds one from its
 * journal, adds the summary (the pushed one, else {@link Impact#summarise}) and the pushed alerts, and stores
 * it gzip-compressed with {@code source = 'hub'} (a computed summary also fills the session's row when it has
 * none). A graph the agent pushes later replaces it. Sessions left
 * pending by a hub restart are found again at start.
 */
final class GraphRebuilder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GraphRebuilder.class);
    /** Ended sessions that have every event but no graph. */
    private static final String PENDING = """
            SELECT s.host, s.id FROM sessions s
            WHERE s.state <> 'live' AND s.next_seq >= COALESCE((s.record->>'events')::bigint, 0)
              AND NOT EXISTS (SELECT 1 FROM graphs g WHERE g.host = s.host AND g.session_id = s.id)
            ORDER BY s.updated LIMIT 100""";
    private static final String ONE_PENDING = """
            SELECT s.record::text, s.summary::text, s.alerts::text FROM sessions s
            WHERE s.host = ? AND s.id = ? AND s.state <> 'live'
              AND s.next_seq >= COALESCE((s.record->>'events')::bigint, 0)
              AND NOT EXISTS (SELECT 1 FROM graphs g WHERE g.host = s.host AND g.session_id = s.id)""";
    private static final String EVENTS = "SELECT event::text FROM events WHERE host = ? AND session_id = ? ORDER BY seq";
    private static final String STORE = """
            INSERT INTO graphs (host, session_id, encoding, json_bytes, graph, source) VALUES (?, ?, 'gzip', ?, ?, 'hub')
            ON CONFLICT (host, session_id) DO NOTHING""";

    /** A summary the hub computed fills the session's row only when the agent sent none. */
    private static final String SUMMARY = """
            UPDATE sessions SET summary = ?::jsonb, behaviours = ? WHERE host = ? AND id = ? AND summary IS NULL""";

    private final HubDatabase database;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "changegraph-hub-graphs");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });

    GraphRebuilder(HubDatabase database) {
        this.database = database;
    }

    /** Looks for sessions left without a graph (e.g. by a restart) and rebuilds them, in the background. */
    void resumePending() {
        worker.execute(() -> {
            try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(PENDING);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    request(rs.getString(1), rs.getString(2));
                }
            } catch (SQLException e) {
                LOG.warn("cannot look for sessions without a graph: {}", HubDatabase.rootMessage(e));
            }
        });
    }

    /** After a batch of an ended session without a graph: rebuild it if the hub now holds every event. */
    void request(String host, String id) {
        try {
            worker.execute(() -> rebuild(host, id));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: the next start finds the session again
        }
    }

    private void rebuild(String host, String id) {
        long start = System.nanoTime();
        try (Connection c = database.connection()) {
            String recordJson;
            String summaryJson;
            String alertsJson;
            try (PreparedStatement ps = c.prepareStatement(ONE_PENDING)) {
                ps.setString(1, host);
                ps.setString(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return;   // live, incomplete, or its graph arrived meanwhile
                    }
                    recordJson = rs.getString(1);
                    summaryJson = rs.getString(2);
                    alertsJson = rs.getString(3);
                }
            }
            SessionRecord record = SessionStore.fromMap(Json.read(recordJson));
            ChangeGraph graph = new ChangeGraph(record.session());
            long events = 0;
            c.setAutoCommit(false);   // a cursor: the events are streamed, not loaded at once
            try (PreparedStatement ps = c.prepareStatement(EVENTS)) {
                ps.setFetchSize(2_000);
                ps.setString(1, host);
                ps.setString(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        graph.apply(EventJson.fromLine(rs.getString(1)));
                        events++;
                    }
                }
            }
            c.commit();
            graph.setStats(new Stats(events, record.stats().lostKernel(), record.stats().droppedUser()));
            if (record.ended() != null) {
                graph.endSession(record.ended());
            }
            GraphDocument document = graph.snapshot();
            if (summaryJson == null) {
                document = document.withSummary(Impact.summarise(document));
            }
            ObjectNode json = (ObjectNode) Json.MAPPER.readTree(GraphJson.toJson(document));
            if (summaryJson != null) {
                json.set("summary", Json.read(summaryJson));
            }
            JsonNode alerts = Json.read(alertsJson);
            if (alerts != null && alerts.isArray()) {
                json.set("alerts", alerts);
            }
            byte[] bytes = Json.MAPPER.writeValueAsBytes(json);
            try (PreparedStatement ps = c.prepareStatement(STORE)) {
                ps.setString(1, host);
                ps.setString(2, id);
                ps.setLong(3, bytes.length);
                ps.setBytes(4, IngestBatch.gzip(bytes));
                ps.executeUpdate();
            }
            if (summaryJson == null && json.get("summary") != null && json.get("summary").isObject()) {
                try (PreparedStatement ps = c.prepareStatement(SUMMARY)) {
                    ps.setString(1, json.get("summary").toString());
                    ps.setInt(2, json.get("summary").path("behaviours").size());
                    ps.setString(3, host);
                    ps.setString(4, id);
                    ps.executeUpdate();
                }
            }
            c.commit();
            LOG.info("session {}/{}: graph rebuilt from {} events ({} KiB of JSON) in {} ms", host, id, events,
                    bytes.length >> 10, (System.nanoTime() - start) / 1_000_000);
        } catch (SQLException e) {
            LOG.warn("session {}/{}: graph not rebuilt now ({}); the next start tries again", host, id,
                    HubDatabase.rootMessage(e));
        } catch (RuntimeException | java.io.IOException e) {
            LOG.warn("session {}/{}: graph cannot be rebuilt from its events: {}", host, id, e.toString());
        }
    }

    /** Sessions the rebuilder has not got to yet are found again at the next start. */
    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
