package io.changegraph.probes;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loads the real probes into this kernel (root needed; CI runs these). */
@Tag("kernel")
class TraceProbeKernelTest {

    @Test
    void followedChild_andItsForks_produceRecords_othersDoNot() throws Exception {
        Path marker = Files.createTempFile("cg-probe", ".txt");
        try (TraceProbe probe = TraceProbe.open()) {
            probe.configure(ProbeTunables.DEFAULTS.withRecorderTgid((int) ProcessHandle.current().pid())).load();
            assertThat(probe.attach()).isEqualTo(5);   // fork, exec, exit, sys_enter, sys_exit
            // the child waits for a line on stdin, so it is followed before it does anything
            Process child = new ProcessBuilder("sh", "-c",
                    "read go; echo hello > " + marker + "; (echo nested >> " + marker + ")").start();
            Process noise = new ProcessBuilder("sh", "-c", "echo noise > /dev/null").start();
            probe.follow((int) child.pid());
            assertThat(probe.isFollowed((int) child.pid())).isTrue();
            child.getOutputStream().write("go\n".getBytes());
            child.getOutputStream().flush();
            Map<Integer, Integer> kinds = new HashMap<>();
            Set<Integer> tgids = new HashSet<>();
            RecordHandler handler = (MemorySegment r) -> {
                kinds.merge(r.get(JAVA_INT, 8), 1, Integer::sum);
                tgids.add(r.get(JAVA_INT, 12));
                assertThat(r.get(JAVA_INT, 20)).isEqualTo((int) r.byteSize());
            };
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            noise.waitFor(10, TimeUnit.SECONDS);
            // nothing polled yet: the child's records wait in the ring buffer, and the backlog says so
            assertThat(probe.ringBacklog()).isPositive();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!probe.noneFollowed() && System.nanoTime() < deadline) {
                probe.poll(100, handler);
            }
            probe.drain(handler);
            assertThat(probe.ringBacklog()).isZero();
            assertThat(probe.handlerFailures()).isZero();
            assertThat(kinds).containsKeys(1, 3, 4, 5);   // fork, exit, syscall, aggregated io
            assertThat(tgids).contains((int) child.pid()).doesNotContain((int) noise.pid(),
                    (int) ProcessHandle.current().pid());
            assertThat(probe.noneFollowed()).isTrue();
            assertThat(probe.counters().total()).isZero();
        } finally {
            Files.deleteIfExists(marker);
        }
    }

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
