package io.changegraph.hub;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hub's Prometheus metrics ({@code GET /metrics}, text format): events and batches ingested, duplicates
 * skipped, batches rejected by reason, sessions created, database errors, ingest latency; plus HikariCP's
 * pool metrics ({@code hikaricp_*}).
 */
final class HubMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter events;
    private final Counter duplicates;
    private final Counter batches;
    private final Counter sessions;
    private final Counter databaseErrors;
    private final Counter expired;
    private final Timer latency;
    private final Map<String, Counter> rejects = new ConcurrentHashMap<>();

    HubMetrics() {
        events = Counter.builder("changegraph.hub.ingest.events")
                .description("journal events stored (each once)").register(registry);
        duplicates = Counter.builder("changegraph.hub.ingest.duplicates")
                .description("events received again and skipped (already held)").register(registry);
        batches = Counter.builder("changegraph.hub.ingest.batches")
                .description("ingest batches stored").register(registry);
        sessions = Counter.builder("changegraph.hub.sessions.new")
                .description("sessions seen for the first time").register(registry);
        databaseErrors = Counter.builder("changegraph.hub.db.errors")
                .description("requests that failed on the database (answered 503 or 500)").register(registry);
        expired = Counter.builder("changegraph.hub.sessions.expired")
                .description("sessions deleted by the retention (ended longer ago than --retention-days)").register(registry);
        latency = Timer.builder("changegraph.hub.ingest.latency")
                .description("time to take one ingest batch, body read to answer")
                .publishPercentiles(0.5, 0.95, 0.99)
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    MeterRegistry registry() {
        return registry;
    }

    void stored(IngestStore.Outcome.Stored stored, Duration took) {
        batches.increment();
        events.increment(stored.inserted());
        duplicates.increment(stored.duplicates());
        if (stored.newSession()) {
            sessions.increment();
        }
        latency.record(took);
    }

    /** A batch refused: {@code reason} is gap, forbidden, unauthenticated, bad_request, too_large or unavailable. */
    void rejected(String reason) {
        rejects.computeIfAbsent(reason, r -> Counter.builder("changegraph.hub.ingest.rejects")
                .description("ingest batches refused, by reason").tag("reason", r.toLowerCase(Locale.ROOT))
                .register(registry)).increment();
    }

    void expired(long sessions) {
        expired.increment(sessions);
    }

    void databaseError() {
        databaseErrors.increment();
    }

    /** The Prometheus text exposition. */
    String scrape() {
        return registry.scrape();
    }
}
