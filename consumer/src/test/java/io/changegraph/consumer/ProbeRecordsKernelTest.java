package io.changegraph.consumer;

import io.changegraph.probes.ProbeTunables;
import io.changegraph.probes.RecordHandler;
import io.changegraph.probes.TraceProbe;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The real probes in this kernel (root needed; CI runs these), their records read through the consumer's peek. */
@Tag("kernel")
class ProbeRecordsKernelTest {

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
            Map<RecordPeek.Kind, Integer> kinds = new EnumMap<>(RecordPeek.Kind.class);
            Set<Integer> tgids = new HashSet<>();
            RecordHandler handler = (MemorySegment r) -> {
                RecordPeek peek = Consumer.peek(r);
                kinds.merge(peek.kind(), 1, Integer::sum);
                tgids.add(peek.tgid());
                assertThat(peek.size()).isEqualTo(r.byteSize());
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
            assertThat(kinds).containsKeys(RecordPeek.Kind.FORK, RecordPeek.Kind.EXIT, RecordPeek.Kind.SYSCALL,
                    RecordPeek.Kind.IO).doesNotContainKey(RecordPeek.Kind.UNKNOWN);
            assertThat(tgids).contains((int) child.pid()).doesNotContain((int) noise.pid(),
                    (int) ProcessHandle.current().pid());
            assertThat(probe.noneFollowed()).isTrue();
            assertThat(probe.counters().total()).isZero();
        } finally {
            Files.deleteIfExists(marker);
        }
    }
}
