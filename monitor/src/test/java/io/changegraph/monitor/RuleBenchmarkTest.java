package io.changegraph.monitor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark's workload is shaped like workload.sh; the benchmark itself runs from bench/ (never as a timed test). */
class RuleBenchmarkTest {
    @Test
    void workload_isShapedLikeWorkloadSh() {
        assertThat(RuleBenchmark.workload(3000)).hasSizeGreaterThan(100_000);
    }
}
