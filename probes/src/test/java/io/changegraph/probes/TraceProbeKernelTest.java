package io.changegraph.probes;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loads the real probes into this kernel (root needed; CI runs these). Records: consumer's ProbeRecordsKernelTest. */
@Tag("kernel")
class TraceProbeKernelTest {

    @Test
    void ringBacklog_beforeAttachAndAfterClose_isZero_neverReadsUnmappedMemory() {
        TraceProbe probe = TraceProbe.open();
        assertThat(probe.ringBacklog()).isZero();
        probe.configure(ProbeTunables.DEFAULTS.withRecorderTgid((int) ProcessHandle.current().pid())).load();
        probe.attach();
        assertThat(probe.ringBacklog()).isZero();   // nothing followed yet
        probe.close();
        assertThat(probe.ringBacklog()).isZero();
    }

    @Test
    void lifecycle_outOfOrder_isRejected() {
        try (TraceProbe probe = TraceProbe.open()) {
            assertThatThrownBy(probe::attach).isInstanceOf(IllegalStateException.class);
        }
    }
}
