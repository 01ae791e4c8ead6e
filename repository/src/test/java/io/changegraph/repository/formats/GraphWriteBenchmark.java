package io.changegraph.repository.formats;

import io.changegraph.repository.model.GraphDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The cost of writing a recorded graph, as the recorder pays it at every flush and at the end: wall ms of
 * {@link GraphJson#write} for the graph in GRAPH.json, first (cold) and the median of the rest.
 * Run with the launcher's JIT and GC for the recorder's figure:
 * {@code BENCH_JAVA_OPTS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1" bench/java-bench.sh repository
 * io.changegraph.repository.formats.GraphWriteBenchmark GRAPH.json 10}.
 */
public final class GraphWriteBenchmark {
    private GraphWriteBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        GraphDocument graph = GraphJson.read(Path.of(args[0]));
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path out = Files.createTempFile("cg-write-bench", ".json");
        List<Long> ms = new ArrayList<>();
        List<Long> cpuMs = new ArrayList<>();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        try {
            for (int i = 0; i < rounds; i++) {
                long start = System.nanoTime();
                long cpu = threads.getCurrentThreadCpuTime();
                GraphJson.write(graph, out);
                cpuMs.add((threads.getCurrentThreadCpuTime() - cpu) / 1_000_000);
                ms.add((System.nanoTime() - start) / 1_000_000);
            }
            long bytes = Files.size(out);
            List<Long> rest = new ArrayList<>(ms.subList(1, ms.size()));
            Collections.sort(rest);
            List<Long> restCpu = new ArrayList<>(cpuMs.subList(1, cpuMs.size()));
            Collections.sort(restCpu);
            System.out.printf("graph write: %d nodes, %d edges, %.1f MB: first %d ms (cpu %d), median of the other %d:"
                    + " %d ms (cpu %d)%n", graph.nodes().size(), graph.edges().size(), bytes / 1e6, ms.getFirst(),
                    cpuMs.getFirst(), rest.size(), rest.isEmpty() ? ms.getFirst() : rest.get(rest.size() / 2),
                    restCpu.isEmpty() ? cpuMs.getFirst() : restCpu.get(restCpu.size() / 2));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
