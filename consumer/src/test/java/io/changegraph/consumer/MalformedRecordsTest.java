package io.changegraph.consumer;

import static io.changegraph.consumer.Records.syscall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.changegraph.repository.model.Event;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** accept() is called from an FFM upcall: bad records are counted and logged, never thrown. */
class MalformedRecordsTest extends SeededShellTest {

    private void assertDroppedWithoutEvents(MemorySegment record) {
        assertThatCode(() -> consumer.accept(record)).doesNotThrowAnyException();
        assertThat(consumer.stats().droppedUser()).isEqualTo(1);
        assertThat(consumer.stats().records()).isEqualTo(1);
        assertThat(events).isEmpty();
    }

    @Test
    void recordShorterThanTheHeader_isDropped() {
        assertDroppedWithoutEvents(MemorySegment.ofArray(new byte[10]));
    }

    @Test
    void sizeFieldBelowTheStructSize_isDropped() {
        MemorySegment exit = Records.exit(SHELL, 0);
        exit.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.HEADER_SIZE_AT, 30);

        assertDroppedWithoutEvents(exit);
    }

    @Test
    void segmentCutBelowTheStruct_isDropped() {
        assertDroppedWithoutEvents(Records.exit(SHELL, 0).asSlice(0, 32));
    }

    @Test
    void sizeFieldBeyondTheSegment_isDropped() {
        MemorySegment exit = Records.exit(SHELL, 0);
        exit.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.HEADER_SIZE_AT, 400);

        assertDroppedWithoutEvents(exit);
    }

    @Test
    void unknownKind_isDropped() {
        MemorySegment record = Records.exit(SHELL, 0);
        record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.HEADER_KIND_AT, 99);

        assertDroppedWithoutEvents(record);
    }

    @Test
    void unknownSyscallOp_isDropped() {
        MemorySegment record = syscall(SHELL, Op.OPEN).str1("/x").build();
        record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.SYSCALL_OP_AT, 999);

        assertDroppedWithoutEvents(record);
    }

    @Test
    void stringLengthBeyondTheRecord_isDropped_andChangesNoTable() {
        MemorySegment record = syscall(SHELL, Op.CHDIR).str1("/etc").build();
        record.set(ValueLayout.JAVA_SHORT_UNALIGNED, WireLayouts.SYSCALL_STR1_LEN_AT, (short) 5000);

        assertDroppedWithoutEvents(record);
        assertThat(consumer.process(SHELL).orElseThrow().cwd()).isEqualTo("/home/u");
    }

    @Test
    void execArgvLengthBeyondTheRecord_isDropped() {
        MemorySegment record = Records.exec(SHELL, "/bin/ls", List.of("ls"));
        record.set(ValueLayout.JAVA_SHORT_UNALIGNED, WireLayouts.EXEC_ARGS_LEN_AT, (short) 900);

        assertDroppedWithoutEvents(record);
        assertThat(consumer.process(SHELL).orElseThrow().exe()).isEqualTo("/bin/bash");
    }

    @Test
    void ioWithMoreFailuresThanCalls_isDropped() {
        MemorySegment io = Records.io(SHELL, 1, 020000, 0, 1, 1, 0, 0);
        io.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.IO_READ_FAILED_AT, 2);

        assertDroppedWithoutEvents(io);
    }

    @Test
    void pipeWithoutItsFdPair_isDropped() {
        assertDroppedWithoutEvents(syscall(SHELL, Op.PIPE).addr(new byte[4]).build());
    }

    @Test
    void sinkThatThrows_isCountedAsDropped() {
        Consumer failing = new Consumer(event -> {
            throw new IllegalStateException("graph closed");
        }, 0, pid -> "");
        Records.seedShell(failing, SHELL);

        assertThatCode(() -> failing.accept(syscall(SHELL, Op.UNLINK).str1("/x").build()))
                .doesNotThrowAnyException();
        assertThat(failing.stats()).isEqualTo(new ConsumerStats(1, 0, 1, 0));
    }

    /**
     * Garbage that passes the header checks reaches the decoders: every bad value must be caught by an
     * explicit check (a named problem), none by accident (an exception from deeper down).
     */
    @Test
    void randomBytes_neverThrow_andAreRejectedByExplicitChecks() {
        Random random = new Random(42);
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            MemorySegment record = MemorySegment.ofArray(bytes);
            if (bytes.length >= WireLayouts.CG_SYSCALL.byteSize() && random.nextInt(10) > 0) {
                int kind = 1 + random.nextInt(5);
                record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.HEADER_KIND_AT, kind);
                record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.HEADER_SIZE_AT, bytes.length);
                record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.HEADER_TGID_AT, 100 + random.nextInt(3));
                if (kind == WireLayouts.KIND_SYSCALL) {
                    record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.SYSCALL_OP_AT, 1 + random.nextInt(Op.values().length));
                    record.set(ValueLayout.JAVA_SHORT_UNALIGNED, WireLayouts.SYSCALL_STR1_LEN_AT, (short) random.nextInt(80));
                    record.set(ValueLayout.JAVA_SHORT_UNALIGNED, WireLayouts.SYSCALL_STR2_LEN_AT, (short) random.nextInt(80));
                    record.set(ValueLayout.JAVA_SHORT_UNALIGNED, WireLayouts.SYSCALL_ADDR_LEN_AT, (short) random.nextInt(40));
                }
            }
            assertThatCode(() -> consumer.accept(record)).doesNotThrowAnyException();
        }

        assertThat(consumer.stats().records()).isEqualTo(n);
        assertThat(consumer.stats().droppedUser()).isPositive().isLessThan(n);
        assertThat(consumer.stats().events()).isPositive();
        assertThat(consumer.problemCount(Consumer.UNEXPECTED)).isZero();
    }
}
