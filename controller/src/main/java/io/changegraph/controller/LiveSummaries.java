package io.changegraph.controller;

import io.changegraph.impact.Impact;
import io.changegraph.repository.GraphDocument;
import io.changegraph.repository.Summary;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps the {@code summary} section of live graphs current: computed from the snapshot a flush already makes,
 * and reused while the session has applied no new event since (nothing changed, nothing to recompute).
 * One per recorder or agent; thread-safe.
 */
final class LiveSummaries {
    private static final int SESSIONS = 64;

    private record Computed(long events, boolean ended, Summary summary) {
    }

    private final Map<String, Computed> bySession = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Computed> eldest) {
            return size() > SESSIONS;
        }
    };

    /** The snapshot with its summary section; a snapshot that cannot be summarised is returned as it is. */
    GraphDocument attach(GraphDocument snapshot) {
        String id = snapshot.session().id();
        long events = snapshot.stats().events();
        boolean ended = snapshot.session().ended() != null;
        Computed known;
        synchronized (bySession) {
            known = bySession.get(id);
        }
        if (known != null && known.events == events && known.ended == ended) {
            return snapshot.withSummary(known.summary);
        }
        Summary summary;
        try {
            summary = Impact.summarise(snapshot);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(LiveSummaries.class).warn("cannot summarise session {}: {}", id, e.toString());
            return snapshot;
        }
        synchronized (bySession) {
            bySession.put(id, new Computed(events, ended, summary));
        }
        return snapshot.withSummary(summary);
    }
}
