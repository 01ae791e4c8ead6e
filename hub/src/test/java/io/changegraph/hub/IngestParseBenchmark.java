package io.changegraph.hub;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The hub's CPU per batch outside the database: parsing and checking one ingest body of BATCH recorded journal
 * events (what {@link IngestBatch#parse} does per request). Prints µs per event, median of 20 passes after 20 to
 * warm up (thread CPU time, so the machine's load does not count). Run: bench/java-bench.sh hub io.changegraph.hub.IngestParseBenchmark JOURNAL.jsonl [BATCH]
 */
public final class IngestParseBenchmark {
    private IngestParseBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        List<String> lines;
        try (var stream = Files.lines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            lines = stream.limit(batch).toList();
        }
        byte[] body = FleetData.batch(FleetData.session("web1", "s-1"), 0, lines).getBytes(StandardCharsets.UTF_8);
        long[] times = new long[20];
        for (int pass = 0; pass < 40; pass++) {
            long t = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            IngestBatch parsed = IngestBatch.parse(body);
            if (parsed.events().size() != lines.size()) {
                throw new AssertionError();
            }
            if (pass >= 20) {
                times[pass - 20] = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - t;
            }
        }
        java.util.Arrays.sort(times);
        System.out.printf("parse + check of %d events (%d bytes): median %.1f ms CPU, %.1f µs per event%n", lines.size(),
                body.length, times[10] / 1e6, times[10] / 1e3 / lines.size());
    }
}
