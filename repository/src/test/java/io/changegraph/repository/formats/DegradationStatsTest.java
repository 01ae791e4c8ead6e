package io.changegraph.repository.formats;

import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Degradation;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Stats;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DegradationStatsTest {
    private static final Instant T0 = Instant.parse("2026-12-06T09:00:00Z");
    private static final Session SESSION = new Session("s1", "host", "root", 1, List.of("sh"), T0, null);

    @Test
    void graphJson_degradations_roundTripWithTimesAndReasons() {
        Degradation detail = Degradation.started(1, T0.plusSeconds(5), "cpu 9.0% >= 5.0% for 5 samples")
                .endedAt(T0.plusSeconds(30));
        Degradation payload = Degradation.started(2, T0.plusSeconds(10), "cpu 8.0% >= 5.0% for 5 samples");
        GraphDocument doc = new GraphDocument(SESSION, new Stats(10, 1, 2, List.of(detail, payload)), List.of(),
                List.of(), List.of());
        String json = GraphJson.toJson(doc);
        assertThat(json.replace(" ", "")).contains("\"degradations\"", "\"step\":\"detail\"",
                "\"end\":\"2026-12-06T09:00:30Z\"");
        Stats back = GraphJson.fromJson(json).stats();
        assertThat(back.degradations()).containsExactly(detail, payload);
        assertThat(back.events()).isEqualTo(10);
    }

    @Test
    void graphJson_noDegradations_writesNoKey() {
        String json = GraphJson.toJson(new GraphDocument(SESSION, new Stats(1, 0, 0), List.of(), List.of(), List.of()));
        assertThat(json).doesNotContain("degradations");
        assertThat(GraphJson.fromJson(json).stats().degradations()).isEmpty();
    }

    @Test
    void graphJson_badDegradation_isOneLineNamingIt() {
        String json = GraphJson.toJson(new GraphDocument(SESSION, new Stats(1, 0, 0, List.of(
                Degradation.started(1, T0, "cpu"))), List.of(), List.of(), List.of()))
                .replace("\"step\" : \"detail\"", "\"step\" : \"payload\"");
        assertThatThrownBy(() -> GraphJson.fromJson(json)).isInstanceOf(GraphFormatException.class)
                .hasMessageContaining("stats: degradations[0]").hasMessageContaining("'detail'");
    }

    @Test
    void degradation_impossibleValues_areRejected() {
        assertThatThrownBy(() -> Degradation.started(0, T0, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Degradation.started(4, T0, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Degradation.started(1, T0, "x").endedAt(T0.minusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void changeGraph_keepsTheStepsItIsGiven() {
        ChangeGraph graph = new ChangeGraph(SESSION);
        Degradation step = Degradation.started(3, T0, "rss 600 MiB >= 512 MiB for 5 samples");
        graph.setStats(new Stats(0, 0, 0, List.of(step)));
        assertThat(graph.snapshotWithDelta().graph().stats().degradations()).containsExactly(step);
    }
}
