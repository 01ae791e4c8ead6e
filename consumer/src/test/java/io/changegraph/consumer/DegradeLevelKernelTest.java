package io.changegraph.consumer;

import io.changegraph.probes.ProbeTunables;
import io.changegraph.probes.RecordHandler;
import io.changegraph.probes.TraceProbe;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The probes' self-protection levels ({@link TraceProbe#setDegradeLevel}) in this kernel (root needed; CI runs
 * these): the same work gives fewer records once a level is set, at run time, without a reload.
 */
@Tag("kernel")
class DegradeLevelKernelTest {
    /** 40 read-only opens (cat), 40 failed read-only opens, one file written, one grandchild that execs. */
    private static final String WORK = "read go; i=0; while [ $i -lt 40 ]; do cat /etc/hostname > /dev/null;"
            + " cat /nonexistent-cg-degrade 2>/dev/null; i=$((i+1)); done; echo x > /dev/null; /bin/true";

    @Test
    void detailLevel_dropsReadOnlyOpens_keepsForksAndExecs() throws Exception {
        try (TraceProbe probe = loaded()) {
            Map<RecordPeek.Kind, Integer> full = run(probe, WORK);
            probe.setDegradeLevel(1);
            Map<RecordPeek.Kind, Integer> degraded = run(probe, WORK);
            assertThat(probe.degradeLevel()).isEqualTo(1);
            // every cat's open of /etc/hostname and of the missing file gave a record, and no longer does
            assertThat(degraded.get(RecordPeek.Kind.SYSCALL)).isLessThan(full.get(RecordPeek.Kind.SYSCALL) - 80);
            assertThat(degraded.get(RecordPeek.Kind.EXEC)).isEqualTo(full.get(RecordPeek.Kind.EXEC));
            assertThat(degraded.get(RecordPeek.Kind.FORK)).isEqualTo(full.get(RecordPeek.Kind.FORK));
            assertThat(probe.degradedSkips()).isGreaterThanOrEqualTo(80);
            assertThat(probe.counters().total()).isZero();
        }
    }

    @Test
    void subtreeLevel_neitherFollowsNorReportsChildrenOfProcessesWithoutTerminal() throws Exception {
        try (TraceProbe probe = loaded()) {
            probe.setDegradeLevel(3);
            Map<RecordPeek.Kind, Integer> kinds = run(probe, WORK);
            // 80 cats and /bin/true forked from the followed shell (no terminal): neither followed nor reported
            assertThat(kinds.getOrDefault(RecordPeek.Kind.FORK, 0)).isZero();
            assertThat(kinds.getOrDefault(RecordPeek.Kind.EXEC, 0)).isZero();
            assertThat(kinds.get(RecordPeek.Kind.EXIT)).isEqualTo(1);   // the shell itself is still followed
            assertThat(probe.degradedSkips()).isGreaterThanOrEqualTo(81);
            probe.setDegradeLevel(0);   // recovery: the same work is followed again
            assertThat(run(probe, WORK).get(RecordPeek.Kind.EXEC)).isGreaterThanOrEqualTo(81);
        }
    }

    @Test
    void degradeLevel_outOfRange_isRejected() {
        try (TraceProbe probe = loaded()) {
            assertThatThrownBy(() -> probe.setDegradeLevel(4)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> probe.setDegradeLevel(-1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static TraceProbe loaded() {
        TraceProbe probe = TraceProbe.open();
        probe.configure(ProbeTunables.DEFAULTS.withRecorderTgid((int) ProcessHandle.current().pid())).load();
        probe.attach();
        return probe;
    }

    /** Runs {@code script} followed from its first instruction; the records' kinds, counted. */
    private static Map<RecordPeek.Kind, Integer> run(TraceProbe probe, String script) throws Exception {
        Process child = new ProcessBuilder("sh", "-c", script).start();
        probe.follow((int) child.pid());
        child.getOutputStream().write("go\n".getBytes());
        child.getOutputStream().flush();
        Map<RecordPeek.Kind, Integer> kinds = new EnumMap<>(RecordPeek.Kind.class);
        RecordHandler handler = (MemorySegment r) -> kinds.merge(Consumer.peek(r).kind(), 1, Integer::sum);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (child.isAlive() && System.nanoTime() < deadline) {
            probe.poll(50, handler);
        }
        assertThat(child.waitFor(1, TimeUnit.SECONDS)).isTrue();
        while (!probe.noneFollowed() && System.nanoTime() < deadline) {
            probe.poll(50, handler);
        }
        probe.drain(handler);
        return kinds;
    }
}
