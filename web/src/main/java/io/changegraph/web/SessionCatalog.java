package io.changegraph.web;

import java.util.Collection;
import java.util.Optional;

/**
 * Where the viewer's sessions come from: graph files on this host ({@link SessionIndex}, {@code changegraph serve})
 * or the fleet hub's store ({@link SourceCatalog} over a {@link SessionSource}). The viewer's handlers see only this.
 */
interface SessionCatalog extends AutoCloseable {
    /** Every session the list page shows (the hub's list comes from its own query API instead: empty there). */
    Collection<LoadedSession> sessions();

    Optional<LoadedSession> find(String id);

    void addListener(SessionIndex.Listener listener);

    @Override
    void close();
}
