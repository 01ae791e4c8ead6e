package io.changegraph.forward;

import io.changegraph.repository.store.SessionRecord;
import io.changegraph.repository.store.SessionStore;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The agent's cost of forwarding: one ended session of N journal events (default 100,000, about 300 bytes
 * each) pushed to an in-memory hub over mutual TLS ({@link ContractHub}), 5 times from scratch. Prints the
 * wall time until the hub has every event and the final graph, and the CPU of the forwarder's threads (its own
 * and the HTTP client's: reading the journal, building the requests, gzip, TLS), per event. The hub's own cost
 * is not in it (the hub module's benchmarks measure PostgreSQL).
 * Not a JUnit test: {@code bench/java-bench.sh forward io.changegraph.forward.ForwardBenchmark [N]}.
 */
public final class ForwardBenchmark {
    private ForwardBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path dir = Files.createTempDirectory("cg-forward-bench");
        TestCerts certs = new TestCerts(Files.createDirectories(dir.resolve("certs"))).ca("ca")
                .leaf("ca", "hub", "ec", "IP:127.0.0.1").leaf("ca", "bench", "ec", null);
        SessionStore store = new SessionStore(dir.resolve("store")).create();
        SessionRecord r = Sessions.live(store, "bench", Instant.parse("2026-12-06T09:00:00Z"));
        Sessions.append(store, r, 0, n);
        Sessions.end(store, r);
        System.out.printf("session of %,d events, journal %,d bytes, graph %,d bytes%n", n,
                Files.size(store.journal(r.id())), Files.size(store.graph(r.id())));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<double[]> runs = new ArrayList<>();
        for (int run = 0; run < 5; run++) {
            Files.deleteIfExists(store.directory(r.id()).resolve(Progress.FILE));
            try (ContractHub hub = new ContractHub(certs)) {
                long cpuBefore = forwarderCpu(threads);
                long start = System.nanoTime();
                HubForwarder f = HubForwarder.start(hub.settings(certs, "bench", 256L << 20), store, "bench", () -> { });
                while (hub.sessions.get(r.id()) == null || hub.sessions.get(r.id()).graph == null) {
                    Thread.sleep(5);
                }
                long wall = System.nanoTime() - start;
                long cpu = forwarderCpu(threads) - cpuBefore;
                f.close();
                if (hub.sessions.get(r.id()).events.size() != n) {
                    throw new AssertionError("the hub has " + hub.sessions.get(r.id()).events.size() + " events");
                }
                runs.add(new double[] {wall / 1e6, cpu / 1e6});
                System.out.printf("run %d: wall %,.0f ms (%,.0f events/s), forwarder CPU %,.0f ms (%.1f us/event)%n",
                        run + 1, wall / 1e6, n / (wall / 1e9), cpu / 1e6, cpu / 1e3 / n);
            }
        }
        double[] walls = runs.stream().mapToDouble(x -> x[0]).sorted().toArray();
        double[] cpus = runs.stream().mapToDouble(x -> x[1]).sorted().toArray();
        System.out.printf("median: wall %,.0f ms (%,.0f events/s), forwarder CPU %,.0f ms (%.1f us/event); first run"
                        + " (cold) wall %,.0f ms, CPU %,.0f ms%n", walls[2], n / (walls[2] / 1e3), cpus[2],
                cpus[2] * 1e3 / n, runs.getFirst()[0], runs.getFirst()[1]);
        System.out.println(Arrays.toString(walls));
    }

    /** CPU nanoseconds of the forwarder's thread and the HTTP client's threads (alive or not: sampled live). */
    private static long forwarderCpu(ThreadMXBean threads) {
        long sum = 0;
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith("changegraph-forward")
                    || info.getThreadName().startsWith("HttpClient"))) {
                long t = threads.getThreadCpuTime(info.getThreadId());
                sum += Math.max(0, t);
            }
        }
        return sum;
    }
}
