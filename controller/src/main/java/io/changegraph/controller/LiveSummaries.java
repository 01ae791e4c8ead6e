package io.changegraph.controller;

import io.changegraph.impact.Impact;
import io.changegraph.repository.GraphDocument;
import io.changegraph.repository.Summary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@code summary} section of a live session's graph current: a snapshot hook of its
 * {@link SessionPipeline}, so it is computed from the snapshot a flush already makes, and reused while the
 * session has applied no new event since (nothing changed, nothing to recompute). Thread-safe.
 */
final class LiveSummaries {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSummaries.class);

    private record Computed(String session, long events, boolean ended, Summary summary) {
    }

    private volatile Computed last;

    /** The snapshot with its summary section; a snapshot that cannot be summarised is returned as it is. */
    GraphDocument attach(GraphDocument snapshot) {
        String id = snapshot.session().id();
        long events = snapshot.stats().events();
        boolean ended = snapshot.session().ended() != null;
        Computed known = last;
        if (known != null && known.session.equals(id) && known.events == events && known.ended == ended) {
            return snapshot.withSummary(known.summary);
        }
        Summary summary;
        try {
            summary = Impact.summarise(snapshot);
        } catch (RuntimeException e) {
            LOG.warn("cannot summarise session {}: {}", id, e.toString());
            return snapshot;
        }
        last = new Computed(id, events, ended, summary);
        return snapshot.withSummary(summary);
    }
}
