package io.changegraph.consumer;

import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Session;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What the recorder's poll thread costs per record: replays a raw recording (captured with
 * {@code record --raw-records FILE}) through the consumer into a graph, pass after pass, each pass into
 * a fresh graph. The first pass is what a short recording pays (cold code); later ones the steady state.
 * Records are copied to native memory first, as the ring buffer hands them over.
 * <pre>bench/java-bench.sh consumer io.changegraph.consumer.ConsumerBenchmark /tmp/workload.raw 10</pre>
 */
public final class ConsumerBenchmark {
    private ConsumerBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: ConsumerBenchmark RAW_RECORDS_FILE [PASSES]");
            System.exit(2);
        }
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        List<MemorySegment> records = load(Path.of(args[0]));
        long bytes = records.stream().mapToLong(MemorySegment::byteSize).sum();
        System.out.printf("%d records, %d bytes%n", records.size(), bytes);
        double[] ms = new double[passes];
        for (int pass = 0; pass < passes; pass++) {
            long gcBefore = gcMillis();
            long cpuBefore = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long start = System.nanoTime();
            ChangeGraph graph = new ChangeGraph(new Session("bench", "host", "root", 1, List.of("sh"),
                    Instant.EPOCH, null));
            Consumer consumer = new Consumer(graph::apply, 0, pid -> "/usr/sbin/outside");
            for (MemorySegment r : records) {
                consumer.accept(r);
            }
            double wall = (System.nanoTime() - start) / 1e6;
            long gc = gcMillis() - gcBefore;
            // thread CPU plus GC time: steadier than wall time on a shared machine
            ms[pass] = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuBefore) / 1e6 + gc;
            System.out.printf("pass %d: cpu+gc %.1f ms (%.2f us/record; wall %.1f ms, gc %d ms), %d events, %d dropped%n",
                    pass + 1, ms[pass], ms[pass] * 1000 / records.size(), wall, gc,
                    consumer.stats().events(), consumer.stats().droppedUser());
        }
        // what the last graph keeps alive: the recorder's heap floor for this recording
        ChangeGraph kept = new ChangeGraph(new Session("bench", "host", "root", 1, List.of("sh"), Instant.EPOCH, null));
        Consumer keptConsumer = new Consumer(kept::apply, 0, pid -> "/usr/sbin/outside");
        records.forEach(keptConsumer::accept);
        System.gc();
        long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf("heap live after a full gc, graph and consumer tables kept: %.1f MB (%s)%n", live / 1e6,
                kept.snapshot().edges().size() + " edges");
        if (Boolean.getBoolean("bench.histogram")) {   // what that live heap is made of
            try {
                Object histogram = ManagementFactory.getPlatformMBeanServer().invoke(
                        new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
                histogram.toString().lines().limit(40).forEach(System.out::println);
                System.out.println("(histogram of a heap holding " + kept.snapshot().nodes().size() + " nodes)");
            } catch (javax.management.JMException e) {
                System.out.println("no histogram: " + e);
            }
        }
        double[] later = Arrays.copyOfRange(ms, 1, passes);
        Arrays.sort(later);
        if (later.length > 0) {
            System.out.printf("cpu+gc: first pass %.1f ms, median of the others %.1f ms, ratio %.2f%n", ms[0],
                    later[later.length / 2], ms[0] / later[later.length / 2]);
        }
    }

    private static List<MemorySegment> load(Path file) throws IOException {
        List<MemorySegment> out = new ArrayList<>();
        Arena arena = Arena.global();
        try (InputStream in = Files.newInputStream(file); RecordStreamReader reader = new RecordStreamReader(in)) {
            for (Optional<MemorySegment> r = reader.next(); r.isPresent(); r = reader.next()) {
                out.add(arena.allocate(r.get().byteSize(), 8).copyFrom(r.get()));
            }
        }
        return out;
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }
}
