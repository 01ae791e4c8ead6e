package io.changegraph.hub;

import io.changegraph.repository.store.SessionRecord;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * Stores ingest batches exactly once: one transaction per batch. The session's row is locked first
 * ({@code SELECT ... FOR UPDATE}), so batches of one session are applied one at a time; events below the
 * session's {@code next_seq} are duplicates and skipped (and the primary key {@code (host, session_id, seq)}
 * with {@code ON CONFLICT DO NOTHING} would drop them anyway); a batch starting past {@code next_seq} is a gap
 * and changes nothing. A crash anywhere (hub or database) rolls the whole batch back, so a resend is safe.
 */
final class IngestStore {
    /** Only when a session is new: a host's concurrent batches of other sessions do not wait on its row. */
    private static final String UPSERT_HOST = """
            INSERT INTO hosts (host) VALUES (?) ON CONFLICT (host) DO UPDATE SET last_seen = now()""";
    private static final String LOCK_SESSION = "SELECT host, next_seq FROM sessions WHERE id = ? FOR UPDATE";
    private static final String NEW_SESSION = """
            INSERT INTO sessions (host, id, user_name, uid, command, command_line, command_base, started, ended, state, record)
            VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?::jsonb)
            ON CONFLICT DO NOTHING
            RETURNING next_seq""";
    private static final String INSERT_EVENTS = """
            INSERT INTO events (host, session_id, seq, event)
            SELECT ?, ?, t.seq, t.event::jsonb FROM unnest(?::bigint[], ?::text[]) AS t(seq, event)
            ON CONFLICT DO NOTHING""";
    private static final String UPDATE_SESSION = """
            UPDATE sessions SET user_name = ?, uid = ?, command = ?::jsonb, command_line = ?, command_base = ?,
                   started = ?, ended = ?, state = ?, record = ?::jsonb, next_seq = ?, updated = now()
            WHERE host = ? AND id = ?""";
    private static final String UPDATE_SUMMARY = """
            UPDATE sessions SET summary = ?::jsonb, behaviours = ? WHERE host = ? AND id = ?""";
    private static final String UPDATE_ALERTS = """
            UPDATE sessions SET alerts = ?::jsonb, alerts_critical = ?, alerts_warning = ?, alerts_info = ?
            WHERE host = ? AND id = ?""";
    private static final String UPSERT_GRAPH = """
            INSERT INTO graphs (host, session_id, encoding, json_bytes, graph) VALUES (?, ?, 'gzip', ?, ?)
            ON CONFLICT (host, session_id) DO UPDATE
            SET encoding = excluded.encoding, json_bytes = excluded.json_bytes, graph = excluded.graph, pushed = now(),
                source = 'agent'""";
    private static final String POSITION = "SELECT host, next_seq FROM sessions WHERE id = ?";

    private final HubDatabase database;

    IngestStore(HubDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** What became of a batch. */
    sealed interface Outcome {
        /** Stored: the hub holds events {@code 0 .. nextSeq - 1}. */
        record Stored(long nextSeq, int inserted, int duplicates, boolean newSession) implements Outcome {
        }

        /** {@code first_seq} is past what the hub holds: resend from {@code nextSeq}. Nothing changed. */
        record Gap(long nextSeq) implements Outcome {
        }

        /** The session id is another host's. Nothing changed. */
        record Forbidden(String message) implements Outcome {
        }
    }

    /**
     * Applies one batch from {@code host} (the client certificate's CN) in one transaction.
     *
     * @throws SQLException when the database fails; nothing of the batch is stored then
     */
    Outcome ingest(String host, IngestBatch batch) throws SQLException {
        SessionRecord session = batch.session();
        if (!session.host().equals(host)) {
            return new Outcome.Forbidden("session " + session.id() + " is of host '" + session.host()
                    + "' but this client's certificate is host '" + host + "': a host writes only its own sessions");
        }
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            try {
                Outcome outcome = apply(c, host, batch);
                if (outcome instanceof Outcome.Stored) {
                    c.commit();
                } else {
                    c.rollback();
                }
                return outcome;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }

    private static Outcome apply(Connection c, String host, IngestBatch batch) throws SQLException {
        SessionRecord session = batch.session();
        boolean created = false;
        Long next = lock(c, host, session.id());
        if (next == null) {
            try (PreparedStatement ps = c.prepareStatement(UPSERT_HOST)) {
                ps.setString(1, host);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(NEW_SESSION)) {
                ps.setString(1, host);
                ps.setString(2, session.id());
                bindRecord(ps, 3, batch);
                try (ResultSet rs = ps.executeQuery()) {
                    created = rs.next();
                }
            }
            next = lock(c, host, session.id());   // another batch may have created it meanwhile
        }
        if (next == null || next < 0) {
            return new Outcome.Forbidden("session id " + session.id() + " belongs to another host:"
                    + " a host writes only its own sessions");
        }
        if (batch.firstSeq() > next) {
            return new Outcome.Gap(next);
        }
        int skip = (int) Math.min(batch.events().size(), next - batch.firstSeq());
        int inserted = 0;
        if (skip < batch.events().size()) {
            List<String> fresh = batch.events().subList(skip, batch.events().size());
            Long[] seqs = new Long[fresh.size()];
            for (int i = 0; i < seqs.length; i++) {
                seqs[i] = batch.firstSeq() + skip + i;
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT_EVENTS)) {
                Array seqArray = c.createArrayOf("bigint", seqs);
                Array eventArray = c.createArrayOf("text", fresh.toArray(String[]::new));
                ps.setString(1, host);
                ps.setString(2, session.id());
                ps.setArray(3, seqArray);
                ps.setArray(4, eventArray);
                inserted = ps.executeUpdate();
            }
        }
        long newNext = Math.max(next, batch.endSeq());
        int duplicates = batch.events().size() - inserted;
        if (batch.endSeq() >= next) {   // not a stale resend: its record, summary, alerts, graph are the newest
            try (PreparedStatement ps = c.prepareStatement(UPDATE_SESSION)) {
                int i = bindRecord(ps, 1, batch);
                ps.setLong(i++, newNext);
                ps.setString(i++, host);
                ps.setString(i, session.id());
                ps.executeUpdate();
            }
            if (batch.summary() != null) {
                try (PreparedStatement ps = c.prepareStatement(UPDATE_SUMMARY)) {
                    ps.setString(1, batch.summary());
                    ps.setInt(2, batch.behaviours());
                    ps.setString(3, host);
                    ps.setString(4, session.id());
                    ps.executeUpdate();
                }
            }
            if (batch.alerts() != null) {
                try (PreparedStatement ps = c.prepareStatement(UPDATE_ALERTS)) {
                    ps.setString(1, batch.alerts());
                    ps.setInt(2, batch.alertCounts().critical());
                    ps.setInt(3, batch.alertCounts().warning());
                    ps.setInt(4, batch.alertCounts().info());
                    ps.setString(5, host);
                    ps.setString(6, session.id());
                    ps.executeUpdate();
                }
            }
            if (batch.graphGzip() != null) {
                try (PreparedStatement ps = c.prepareStatement(UPSERT_GRAPH)) {
                    ps.setString(1, host);
                    ps.setString(2, session.id());
                    ps.setLong(3, batch.graphJsonBytes());
                    ps.setBytes(4, batch.graphGzip());
                    ps.executeUpdate();
                }
            }
        }
        return new Outcome.Stored(newNext, inserted, duplicates, created);
    }

    /** The session's next_seq, locked for this transaction; null when unknown; -1 when another host owns it. */
    private static Long lock(Connection c, String host, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LOCK_SESSION)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return rs.getString(1).equals(host) ? rs.getLong(2) : -1L;
            }
        }
    }

    /** Binds user, uid, command, command_line, command_base, started, ended, state, record from {@code index}. */
    private static int bindRecord(PreparedStatement ps, int index, IngestBatch batch) throws SQLException {
        SessionRecord s = batch.session();
        int i = index;
        ps.setString(i++, s.user());
        ps.setInt(i++, s.uid());
        ps.setString(i++, Json.array(s.command()));
        ps.setString(i++, String.join(" ", s.command()));
        ps.setString(i++, commandBase(s.command()));
        ps.setObject(i++, OffsetDateTime.ofInstant(s.started(), ZoneOffset.UTC));
        if (s.ended() == null) {
            ps.setNull(i++, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(i++, OffsetDateTime.ofInstant(s.ended(), ZoneOffset.UTC));
        }
        ps.setString(i++, s.state().wireName());
        ps.setString(i++, batch.sessionJson());
        return i;
    }

    /** The command line with argv[0] cut to its file name: what {@code --command 'deploy.sh*'} also matches. */
    static String commandBase(List<String> command) {
        if (command.isEmpty()) {
            return "";
        }
        String first = command.getFirst();
        int slash = first.lastIndexOf('/');
        String base = slash < 0 ? first : first.substring(slash + 1);
        return command.size() == 1 ? base : base + " " + String.join(" ", command.subList(1, command.size()));
    }

    /** What the hub holds of session {@code id} for {@code host}: next_seq, 0 when unknown, -1 when another host's. */
    long position(String host, String id) throws SQLException {
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(POSITION)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return 0;
                }
                return rs.getString(1).equals(host) ? rs.getLong(2) : -1;
            }
        }
    }
}
