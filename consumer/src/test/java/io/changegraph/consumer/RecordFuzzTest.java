package io.changegraph.consumer;

import io.changegraph.repository.model.Event;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Seeded fuzzing of ring-buffer records (bounded time: CHANGEGRAPH_FUZZ_SECONDS, default 5): valid records of every
 * kind with random bytes flipped, cut, grown and their header fields set to extremes. accept() never throws and
 * never hangs; every record is either decoded or counted as dropped. The seed is in the failure message.
 */
class RecordFuzzTest {
    @Test
    void mutatedRecords_areDecodedOrCounted_neverThrown() throws Exception {
        long seed = Long.getLong("changegraph.fuzz.seed", System.nanoTime());
        long budget = Long.parseLong(System.getenv().getOrDefault("CHANGEGRAPH_FUZZ_SECONDS", "5")) * 1_000_000_000L;
        Random random = new Random(seed);
        List<MemorySegment> seeds = seeds();
        assertTimeoutPreemptively(Duration.ofNanos(budget).plusSeconds(30), () -> {
            List<Event> events = new ArrayList<>();
            Consumer consumer = Records.consumer(events);
            Records.seedShell(consumer, 100);
            long end = System.nanoTime() + budget;
            long n = 0;
            while (System.nanoTime() < end) {
                MemorySegment record = mutate(seeds.get(random.nextInt(seeds.size())), random);
                try {
                    consumer.accept(record);
                } catch (Throwable e) {
                    throw new AssertionError("seed " + seed + ", record " + n + ": accept threw " + e, e);
                }
                n++;
                if (events.size() > 100_000) {
                    events.clear();
                }
            }
            assertThat(consumer.stats().records()).as("seed " + seed).isEqualTo(n);
            assertThat(n).isGreaterThan(1000);
        });
    }

    private static List<MemorySegment> seeds() throws Exception {
        List<MemorySegment> seeds = new ArrayList<>();
        seeds.add(Records.fork(100, 101));
        seeds.add(Records.exec(101, "/usr/bin/sed", List.of("sed", "-i", "s/a/b/", "/etc/app.conf")));
        seeds.add(Records.exit(101, 0));
        seeds.add(Records.io(100, 3, 1, 42, 2, 100, 3, 300));
        for (Op op : Op.values()) {
            try {
                seeds.add(Records.syscall(100, op).build());
            } catch (RuntimeException e) {
                // an op without a syscall record shape
            }
        }
        return seeds;
    }

    private static MemorySegment mutate(MemorySegment original, Random random) {
        byte[] bytes = original.toArray(ValueLayout.JAVA_BYTE);
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds; r++) {
            switch (random.nextInt(6)) {
                case 0 -> bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                case 2 -> bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
                case 3 -> bytes = java.util.Arrays.copyOf(bytes, bytes.length + random.nextInt(512));
                case 4 -> {   // an extreme 32-bit value at an aligned offset (sizes, fds, lengths, kinds)
                    if (bytes.length >= 4) {
                        int at = random.nextInt(bytes.length / 4) * 4;
                        int[] extremes = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 4096, 65536, 1};
                        MemorySegment.ofArray(bytes).set(ValueLayout.JAVA_INT_UNALIGNED, at,
                                extremes[random.nextInt(extremes.length)]);
                    }
                }
                default -> {
                    for (int i = 0; i < bytes.length; i++) {
                        if (random.nextInt(16) == 0) {
                            bytes[i] = (byte) random.nextInt(256);
                        }
                    }
                }
            }
            if (bytes.length == 0) {
                break;
            }
        }
        return MemorySegment.ofArray(bytes);
    }
}
