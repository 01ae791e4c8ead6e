package io.changegraph.controller.record;

import io.changegraph.impact.Impact;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Summary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@code summary} section of a live session's graph current: a snapshot hook of its
 * {@link SessionPipeline}, so it is computed from the snapshot a flush already makes. While the session runs it
 * is recomputed only when events arrived since, and at most once per {@value #BUDGET} times its own cost (so
 * live summaries take at most ~2 % of one CPU; in between, a snapshot carries the last one). The final
 * snapshot (session ended) always gets a fresh one. Thread-safe.
 */
final class LiveSummaries {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSummaries.class);
    static final int BUDGET = 50;

    private record Computed(String session, long events, boolean ended, Summary summary, long atNanos, long costNanos) {
    }

    private volatile Computed last;

    /** The snapshot with its summary section; a snapshot that cannot be summarised is returned as it is. */
    GraphDocument attach(GraphDocument snapshot) {
        String id = snapshot.session().id();
        long events = snapshot.stats().events();
        boolean ended = snapshot.session().ended() != null;
        Computed known = last;
        long now = System.nanoTime();
        if (known != null && known.session.equals(id) && known.ended == ended
                && (known.events == events || (!ended && now - known.atNanos < BUDGET * known.costNanos))) {
            return snapshot.withSummary(known.summary);
        }
        Summary summary;
        try {
            summary = Impact.summarise(snapshot);
        } catch (RuntimeException e) {
            LOG.warn("cannot summarise session {}: {}", id, e.toString());
            return snapshot;
        }
        long done = System.nanoTime();
        last = new Computed(id, events, ended, summary, done, done - now);
        return snapshot.withSummary(summary);
    }
}
