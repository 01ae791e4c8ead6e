package io.changegraph.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The bundled warm-up recording still decodes: a change to the record layouts must re-record it. */
class WarmUpTest {
    @Test
    void warmUp_replaysTheBundledRecording_withoutDroppingARecord() {
        ConsumerStats stats = Consumer.warmUp();
        assertThat(stats.records()).as("records in warmup.bin (re-record with scripts/warmup-fixture.sh)")
                .isGreaterThan(4000);
        assertThat(stats.droppedUser()).isZero();
        // a typical change: most records become events (forks, execs, opens, I/O...)
        assertThat(stats.events()).isGreaterThan(stats.records() / 2);
    }
}
