package io.changegraph.monitor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark as a test, run on demand with {@code -Dbenchmark=true} (it takes about a minute). */
class RuleBenchmarkTest {
    @Test
    void workload_isShapedLikeWorkloadSh() {
        assertThat(RuleBenchmark.workload(3000)).hasSizeGreaterThan(100_000);
    }

    @Test
    @EnabledIfSystemProperty(named = "benchmark", matches = "true")
    void rules_addAtMostTenPercentToPerEventCost() throws Exception {
        RuleBenchmark.Result result = RuleBenchmark.run(3000);
        System.out.println(result);
        assertThat(result.overhead()).isLessThanOrEqualTo(0.10);
    }
}
