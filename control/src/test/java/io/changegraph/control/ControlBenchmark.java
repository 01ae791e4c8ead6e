package io.changegraph.control;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Rules push → every simulated agent reloaded (bench/README.md; target p99 ≤ 2 s): a real etcd (scripts/etcd.sh),
 * AGENTS control clients in this JVM (each its own jetcd client, lease, registration and watches, as in an agent),
 * PUSHES pushes of distinct rules text one after another; per push and agent, the time from the start of the push
 * to the agent's apply. Prints p50, p99 and max over all samples, and the slowest push's time to the last agent.
 * <pre>bench/java-bench.sh control io.changegraph.control.ControlBenchmark [AGENTS=50] [PUSHES=20]</pre>
 */
public final class ControlBenchmark {
    private ControlBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int agents = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int pushes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path tmp = Files.createTempDirectory("cg-control-bench");
        EtcdServer etcd = EtcdServer.start(tmp.resolve("etcd"));
        Map<String, Long> appliedAt = new ConcurrentHashMap<>();   // "agent/content" -> nanoTime
        List<ControlAgent> clients = new ArrayList<>();
        try {
            for (int i = 0; i < agents; i++) {
                String host = "sim-" + i;
                ControlAgent.Receiver r = new ControlAgent.Receiver() {
                    @Override
                    public String apply(Channel channel, Release release) {
                        appliedAt.putIfAbsent(host + "/" + release.content(), System.nanoTime());
                        return null;
                    }

                    @Override
                    public AgentStatus status() {
                        return new AgentStatus("bench", 0, 0, 0);
                    }
                };
                clients.add(new ControlAgent(etcd.settings(null, i % 5 == 0 ? "canary" : "default"), host,
                        tmp.resolve("cache-" + i), r, new Backoff(Duration.ofMillis(250), Duration.ofSeconds(8),
                        new Random(i))).start());
            }
            try (Fleet fleet = Fleet.connect(etcd.settings(null, null))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (fleet.hosts().size() < agents && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                System.out.printf("%d agents registered%n", fleet.hosts().size());
                Thread.sleep(3000);   // registration bursts over
                List<Long> samples = new ArrayList<>();
                long worstLast = 0;
                int missing = 0;
                for (int p = 0; p < pushes; p++) {
                    String content = "rules: []\n# push " + p + "\n";
                    long start = System.nanoTime();
                    fleet.push(Channel.RULES, content, Target.fleet(), "bench");
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (countApplied(appliedAt, content, agents) < agents && System.nanoTime() < end) {
                        Thread.sleep(5);
                    }
                    long last = 0;
                    for (int i = 0; i < agents; i++) {
                        Long t = appliedAt.get("sim-" + i + "/" + content);
                        if (t == null) {
                            missing++;
                            continue;
                        }
                        samples.add(t - start);
                        last = Math.max(last, t - start);
                    }
                    worstLast = Math.max(worstLast, last);
                    Thread.sleep(1000);
                }
                long[] sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
                System.out.printf("push -> agent reloaded, %d agents x %d pushes = %d samples (%d missing after 10 s)%n",
                        agents, pushes, sorted.length, missing);
                System.out.printf("p50 %.1f ms, p99 %.1f ms, max %.1f ms; slowest push to its last agent %.1f ms%n",
                        ms(pct(sorted, 50)), ms(pct(sorted, 99)), ms(sorted[sorted.length - 1]), ms(worstLast));
            }
        } finally {
            clients.forEach(ControlAgent::close);
            etcd.close();
            EtcdServer.deleteQuietly(tmp);
        }
    }

    private static int countApplied(Map<String, Long> appliedAt, String content, int agents) {
        int n = 0;
        for (int i = 0; i < agents; i++) {
            if (appliedAt.containsKey("sim-" + i + "/" + content)) {
                n++;
            }
        }
        return n;
    }

    private static long pct(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
