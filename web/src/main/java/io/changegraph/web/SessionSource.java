package io.changegraph.web;

import io.changegraph.repository.store.SessionRecord;
import java.util.Objects;
import java.util.Optional;

/**
 * Sessions kept somewhere else than graph files on this host, for {@link FleetViewer}: the fleet hub implements it
 * over its PostgreSQL store. Ids are unique across the source (the hub's are fleet-wide).
 */
public interface SessionSource {
    /**
     * The session's {@code changegraph/v1} document and its agent record, or empty when unknown or when no graph
     * was stored for it yet.
     *
     * @throws Exception when the store cannot be read (answered 503)
     */
    Optional<Stored> load(String id) throws Exception;

    /**
     * One stored session.
     *
     * @param record the agent's record (host, owner uid, state): who may see it
     * @param graph  the {@code changegraph/v1} JSON bytes
     */
    record Stored(SessionRecord record, byte[] graph) {
        public Stored {
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(graph, "graph");
        }
    }
}
