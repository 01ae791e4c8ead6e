package io.changegraph.controller.ops;

import io.changegraph.controller.PrometheusText;
import io.changegraph.controller.config.ProtectionSettings;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The strict exposition-format parser the metrics tests use, and the meters as the registry writes them. */
class PrometheusTextTest {
    @Test
    void parse_acceptsTheFormat_rejectsAnythingElse() {
        PrometheusText t = PrometheusText.parse("""
                # HELP a_total things
                # TYPE a_total counter
                a_total 3.0
                # TYPE b gauge
                b{x="1",y="a\\"b"} 2.5E-3
                """);
        assertThat(t.value("a_total")).isEqualTo(3.0);
        assertThat(t.samples).containsKey("b{x=\"1\",y=\"a\\\"b\"}");
        assertThatThrownBy(() -> PrometheusText.parse("c 1\n")).hasMessageContaining("before its TYPE");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE d gauge\nd one\n")).hasMessageContaining("line 2");
    }

    @Test
    void registry_exposesEveryRecorderMeter_withZeroesBeforeAnyRecord() {
        SelfProtection protection = new SelfProtection(ProtectionSettings.DEFAULTS, level -> { },
                java.time.Clock.systemUTC(), line -> { });
        var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        Object held = RecorderMeters.bind(registry, new RecorderMeters.Sources(() -> 42, () -> 50, () -> 0, () -> 1, () -> 0,
                () -> 1024, 4096, () -> 2, () -> 0, () -> 0, protection));
        System.gc();   // the meters must hold their sources: a collected lambda would read NaN
        PrometheusText t = PrometheusText.parse(registry.scrape());
        assertThat(t.samples.keySet()).containsAll(PrometheusText.METERS);
        assertThat(t.value("changegraph_events_total")).isEqualTo(42);
        assertThat(t.value("changegraph_ringbuffer_fill_ratio")).isEqualTo(0.25);
        assertThat(t.value("changegraph_sessions_live")).isEqualTo(2);
        assertThat(t.value("changegraph_user_dropped_total")).isEqualTo(1);
        assertThat(t.samples.values()).noneMatch(v -> v.isNaN());
        assertThat(held).isNotNull();
        registry.close();
    }
}
