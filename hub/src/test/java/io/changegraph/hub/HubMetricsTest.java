package io.changegraph.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HubMetricsTest {
    @Test
    void scrape_afterBatchesAndRejects_exposesEveryCounterByItsPrometheusName() {
        HubMetrics metrics = new HubMetrics();
        metrics.stored(new IngestStore.Outcome.Stored(10, 8, 2, true), Duration.ofMillis(12));
        metrics.stored(new IngestStore.Outcome.Stored(20, 10, 0, false), Duration.ofMillis(30));
        metrics.rejected("gap");
        metrics.rejected("gap");
        metrics.rejected("forbidden");
        metrics.databaseError();
        String text = metrics.scrape();
        assertThat(text).contains("changegraph_hub_ingest_events_total 18.0",
                "changegraph_hub_ingest_duplicates_total 2.0",
                "changegraph_hub_ingest_batches_total 2.0",
                "changegraph_hub_sessions_new_total 1.0",
                "changegraph_hub_db_errors_total 1.0",
                "changegraph_hub_ingest_rejects_total{reason=\"gap\"} 2.0",
                "changegraph_hub_ingest_rejects_total{reason=\"forbidden\"} 1.0",
                "changegraph_hub_ingest_latency_seconds_count 2");
    }
}
