package io.changegraph.forward;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    @Test
    void next_ceilingDoublesUpToTheCap_andTheWaitIsBelowIt() {
        Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), bound -> bound - 1);
        long[] waits = new long[9];
        for (int i = 0; i < waits.length; i++) {
            waits[i] = b.next().toMillis();
        }
        assertThat(waits).containsExactly(499, 999, 1999, 3999, 7999, 15999, 29999, 29999, 29999);
    }

    @Test
    void next_fullJitter_canBeZero_andResetStartsOver() {
        Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), bound -> 0);
        b.next();
        b.next();
        assertThat(b.next()).isZero();
        assertThat(b.failures()).isEqualTo(3);
        b.reset();
        assertThat(b.failures()).isZero();
        assertThat(b.ceilingMillis(b.failures())).isEqualTo(500);
    }

    @Test
    void standard_spreadsAFleetsRetries() {
        Backoff b = Backoff.standard();
        for (int i = 0; i < 6; i++) {
            b.next();
        }
        java.util.Set<Long> waits = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            waits.add(b.next().toMillis());
        }
        assertThat(waits).hasSizeGreaterThan(40).allMatch(w -> w >= 0 && w < 30_000);
    }
}
