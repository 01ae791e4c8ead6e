package io.changegraph.hub;

import io.changegraph.repository.io.JsonMappers;
import io.changegraph.repository.store.SessionRecord;
import io.changegraph.repository.store.SessionStore;
import io.changegraph.web.SessionSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The viewer's sessions from the hub's store: a session's graph (pushed once it ended, gzip in {@code graphs}) with
 * the agent's record (owner uid, host, state) from {@code sessions}. Session ids are unique fleet-wide.
 */
final class HubSessionSource implements SessionSource {
    private final HubDatabase database;

    HubSessionSource(HubDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    @Override
    public Optional<Stored> load(String id) throws Exception {
        String sql = "SELECT s.record::text, g.graph, g.json_bytes FROM sessions s"
                + " JOIN graphs g ON g.host = s.host AND g.session_id = s.id WHERE s.id = ?";
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                SessionRecord record = SessionStore.fromMap(JsonMappers.SORTED.readTree(rs.getString(1)));
                return Optional.of(new Stored(record, gunzip(rs.getBytes(2), rs.getLong(3))));
            }
        }
    }

    private static byte[] gunzip(byte[] gzip, long size) throws IOException {
        if (size > HubServer.MAX_INFLATED) {
            throw new IOException("a stored graph of " + size + " bytes is larger than the viewer reads");
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return in.readNBytes(HubServer.MAX_INFLATED);
        }
    }
}
