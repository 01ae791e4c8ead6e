package io.changegraph.hub;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The fleet's sessions as the query API answers them (SQL over the tables of {@code V1__fleet.sql}). */
final class FleetQueries {
    private static final String COLUMNS = """
            host, id, user_name, uid, command::text, started, ended, state, next_seq,
            alerts_critical, alerts_warning, alerts_info, behaviours""";

    private final HubDatabase database;

    FleetQueries(HubDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** A graph as stored: gzip-compressed JSON. */
    record StoredGraph(byte[] gzip, long jsonBytes) {
    }

    /** Sessions matching {@code filter}, newest first (then host, id), as the list answer's maps. */
    List<Map<String, Object>> sessions(SessionFilter filter) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM sessions WHERE true");
        List<Object> args = new ArrayList<>();
        if (filter.host() != null) {
            if (filter.host().contains("*") || filter.host().contains("?")) {
                sql.append(" AND host LIKE ?");
                args.add(SessionFilter.like(filter.host()));
            } else {
                sql.append(" AND host = ?");
                args.add(filter.host());
            }
        }
        if (filter.user() != null) {
            sql.append(" AND user_name = ?");
            args.add(filter.user());
        }
        if (filter.uid() != null) {
            sql.append(" AND uid = ?");
            args.add(filter.uid());
        }
        if (filter.since() != null) {
            sql.append(" AND started >= ?");
            args.add(OffsetDateTime.ofInstant(filter.since(), ZoneOffset.UTC));
        }
        if (filter.command() != null) {
            sql.append(" AND (command_line LIKE ? OR command_base LIKE ?)");
            String like = SessionFilter.like(filter.command());
            args.add(like);
            args.add(like);
        }
        sql.append(" ORDER BY started DESC, host, id LIMIT ?");
        args.add(filter.limit());
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        return out;
    }

    /**
     * One session with its agent record, summary and alerts; empty when unknown or when {@code uid} (a role
     * {@code user}'s) is not its owner.
     */
    Optional<Map<String, Object>> session(String host, String id, Integer uid) throws SQLException {
        String sql = "SELECT " + COLUMNS + ", record::text, summary::text, alerts::text,"
                + " EXISTS (SELECT 1 FROM graphs g WHERE g.host = s.host AND g.session_id = s.id)"
                + " FROM sessions s WHERE host = ? AND id = ?" + (uid == null ? "" : " AND uid = ?");
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, host);
            ps.setString(2, id);
            if (uid != null) {
                ps.setInt(3, uid);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Map<String, Object> json = row(rs);
                json.put("record", Json.read(rs.getString(14)));
                json.put("summary", Json.read(rs.getString(15)));
                JsonNode alerts = Json.read(rs.getString(16));
                json.put("alert_list", alerts == null ? List.of() : alerts);
                json.put("graph", rs.getBoolean(17));
                return Optional.of(json);
            }
        }
    }

    /** The session's graph, if pushed (and, for a role {@code user}, theirs). */
    Optional<StoredGraph> graph(String host, String id, Integer uid) throws SQLException {
        String sql = "SELECT g.graph, g.json_bytes FROM graphs g JOIN sessions s ON s.host = g.host AND s.id = g.session_id"
                + " WHERE g.host = ? AND g.session_id = ?" + (uid == null ? "" : " AND s.uid = ?");
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, host);
            ps.setString(2, id);
            if (uid != null) {
                ps.setInt(3, uid);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new StoredGraph(rs.getBytes(1), rs.getLong(2))) : Optional.empty();
            }
        }
    }

    private static Map<String, Object> row(ResultSet rs) throws SQLException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("host", rs.getString(1));
        json.put("id", rs.getString(2));
        json.put("user", rs.getString(3));
        json.put("uid", rs.getInt(4));
        json.put("command", Json.read(rs.getString(5)));
        json.put("started", rs.getObject(6, OffsetDateTime.class).toInstant().toString());
        OffsetDateTime ended = rs.getObject(7, OffsetDateTime.class);
        json.put("ended", ended == null ? null : ended.toInstant().toString());
        json.put("state", rs.getString(8));
        json.put("events", rs.getLong(9));
        Map<String, Object> alerts = new LinkedHashMap<>();
        alerts.put("critical", rs.getInt(10));
        alerts.put("warning", rs.getInt(11));
        alerts.put("info", rs.getInt(12));
        json.put("alerts", alerts);
        json.put("behaviours", rs.getInt(13));
        return json;
    }
}
