package io.changegraph.web;

import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.store.SessionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The row of the sessions list: who, where, what, how long, how much was seen, lost and alerted. */
final class SessionSummary {
    static final List<String> SEVERITIES = List.of("info", "warning", "critical");

    private SessionSummary() {
    }

    static Map<String, Object> of(LoadedSession loaded, Instant now) {
        GraphDocument document = loaded.document();
        Session session = document.session();
        Stats stats = document.stats();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", loaded.id());
        row.put("file", loaded.file().getFileName().toString());
        row.put("host", session.host());
        row.put("user", session.user());
        // from the session store's record, when the graph is served from a store
        row.put("client", loaded.record().map(SessionRecord::client).filter(c -> !c.isEmpty()).orElse(null));
        row.put("tty", loaded.record().map(SessionRecord::tty).filter(t -> !t.isEmpty()).orElse(null));
        row.put("uid", loaded.record().map(SessionRecord::uid).orElse(null));
        String state = loaded.record().map(r -> r.state().wireName()).orElse(loaded.live() ? "live" : "ended");
        row.put("state", state);
        long running = running(document);
        row.put("running", running);
        row.put("state_text", stateText(state, rootEnded(document), running));
        row.put("client_display", clientDisplay(loaded.record().map(SessionRecord::client).orElse("")));
        row.put("root_pid", session.rootPid());
        row.put("command", session.command());
        row.put("started", Json.time(session.started()));
        row.put("ended", Json.time(session.ended()));
        row.put("live", loaded.live());
        row.put("duration_seconds", durationSeconds(session, now));
        row.put("events", stats.events());
        row.put("lost_kernel", stats.lostKernel());
        row.put("dropped_user", stats.droppedUser());
        row.put("drops", stats.lostKernel() + stats.droppedUser());
        row.put("alerts", alertCounts(document.alerts()));
        row.put("nodes", document.nodes().size());
        row.put("edges", document.edges().size());
        row.put("kinds", kindCounts(document.nodes()));
        row.put("version", loaded.version());
        return row;
    }

    /** Followed processes that have not exited (yet, or by the end of the recording: left running). */
    static long running(GraphDocument document) {
        return document.nodes().stream()
                .filter(node -> node instanceof ProcessNode process && process.followed() && process.ended() == null)
                .count();
    }

    /** Whether the session's root process (the login shell or the recorded command) has exited. */
    static boolean rootEnded(GraphDocument document) {
        int root = document.session().rootPid();
        return document.nodes().stream().anyMatch(node -> node instanceof ProcessNode process && process.pid() == root
                && process.ended() != null);
    }

    /**
     * The state as the pages say it: {@code live}; {@code logged out, 2 processes still running} (the root
     * exited, the session goes on while what it left runs); {@code ended}, or {@code ended, 1 process left
     * running}; {@code interrupted}.
     */
    static String stateText(String state, boolean rootEnded, long running) {
        String processes = running + (running == 1 ? " process" : " processes");
        return switch (state) {
            case "live" -> rootEnded && running > 0 ? "logged out, " + processes + " still running" : "live";
            case "ended" -> running > 0 ? "ended, " + processes + " left running" : "ended";
            default -> state;
        };
    }

    /**
     * The SSH client as {@code address:port → :server-port} from {@code SSH_CONNECTION} ("addr port server-addr
     * server-port") or {@code SSH_CLIENT} ("addr port server-port"); IPv6 addresses in brackets; null when unknown.
     */
    static String clientDisplay(String client) {
        String[] parts = client.trim().split("\\s+");
        if (parts.length < 3) {
            return client.isBlank() ? null : client.trim();
        }
        String address = parts[0].contains(":") ? "[" + parts[0] + "]" : parts[0];
        return address + ":" + parts[1] + " → :" + parts[parts.length - 1];
    }

    private static Long durationSeconds(Session session, Instant now) {
        if (session.started() == null) {
            return null;
        }
        Instant end = session.ended() == null ? now : session.ended();
        return Math.max(0, Duration.between(session.started(), end).toSeconds());
    }

    /** Alerts by severity, every known severity present (0 when none), plus {@code total}. */
    static Map<String, Long> alertCounts(List<Alert> alerts) {
        Map<String, Long> counts = new TreeMap<>();
        SEVERITIES.forEach(severity -> counts.put(severity, 0L));
        for (Alert alert : alerts) {
            counts.merge(alert.severity().toLowerCase(Locale.ROOT), 1L, Long::sum);
        }
        counts.put("total", (long) alerts.size());
        return counts;
    }

    private static Map<String, Long> kindCounts(List<Node> nodes) {
        Map<String, Long> counts = new TreeMap<>();
        for (Node node : nodes) {
            counts.merge(node.kind(), 1L, Long::sum);
        }
        return counts;
    }
}
