package io.changegraph.repository.diff;

import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.formats.Times;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.model.Verb;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Times {@link GraphDiff#compare} on synthetic pairs of honest runs (different pids, times, homes, temp names
 * and counts) of 10k, 100k and 1M edges: median of 5 runs after warm-up (about a million edges' worth, at least
 * two runs), per size and per edge, as wall-clock time and as CPU time of the comparing thread (which a busy,
 * shared machine disturbs less; garbage collection runs on other threads and is only in the wall-clock time).
 * Not a JUnit test; run with {@code java -cp <test classpath> io.changegraph.repository.diff.DiffBenchmark [sizes...]}.
 */
public final class DiffBenchmark {
    private static final int EDGES_PER_PROCESS = 10;
    private static final int CHILDREN_PER_PROCESS = 8;
    private static final int RUNS = 5;
    private static final Verb[] FILE_VERBS = {Verb.READ, Verb.WRITE, Verb.OPEN, Verb.CREATE, Verb.CHMOD, Verb.UNLINK};

    private DiffBenchmark() {
    }

    public static void main(String[] args) {
        if (args.length == 3 && args[0].equals("--files")) {
            files(Path.of(args[1]), Path.of(args[2]));
            return;
        }
        int[] sizes = args.length == 0 ? new int[] {10_000, 100_000, 1_000_000}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.printf("%10s %10s %12s %14s %12s %14s %s%n", "edges", "processes", "median ms", "ns per edge",
                "median cpu ms", "cpu ns/edge", "differences");
        for (int size : sizes) {
            // pids well above the step numbers in the synthetic argv and paths, as on a real host: a number that is
            // the pid of the acting process or an ancestor reads <pid> (Normalization#sessionPids)
            GraphDocument canary = synthetic(size, 1_000_000, "alice", "Xy3kQ9", 1);
            GraphDocument production = synthetic(size, 2_000_000, "bob", "Qq8Z0p", 2);
            int warmups = Math.clamp(1_000_000L / size, 2, 50);
            for (int i = 0; i < warmups; i++) {
                GraphDiff.compare(canary, production, DiffOptions.defaults());
            }
            long[] nanos = new long[RUNS];
            long[] cpu = new long[RUNS];
            int differences = 0;
            for (int i = 0; i < RUNS; i++) {
                long start = System.nanoTime();
                long cpuStart = threads.getCurrentThreadCpuTime();
                differences = GraphDiff.compare(canary, production, DiffOptions.defaults()).differences().size();
                cpu[i] = threads.getCurrentThreadCpuTime() - cpuStart;
                nanos[i] = System.nanoTime() - start;
            }
            Arrays.sort(nanos);
            Arrays.sort(cpu);
            long median = nanos[RUNS / 2];
            long medianCpu = cpu[RUNS / 2];
            int edges = canary.edges().size();
            System.out.printf("%10d %10d %12.1f %14.0f %12.1f %14.0f %d%n", edges, size / EDGES_PER_PROCESS, median / 1e6,
                    (double) median / edges, medianCpu / 1e6, (double) medianCpu / edges, differences);
        }
    }

    /** Times the diff of two recorded graphs (read once), e.g. the deploy example's canary and production runs. */
    private static void files(Path canaryFile, Path productionFile) {
        GraphDocument canary = GraphJson.read(canaryFile);
        GraphDocument production = GraphJson.read(productionFile);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 10; i++) {
            GraphDiff.compare(canary, production, DiffOptions.defaults());
        }
        int runs = 11;
        long[] nanos = new long[runs];
        long[] cpu = new long[runs];
        int differences = 0;
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            differences = GraphDiff.compare(canary, production, DiffOptions.defaults()).differences().size();
            cpu[i] = threads.getCurrentThreadCpuTime() - cpuStart;
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        Arrays.sort(cpu);
        System.out.printf("%d + %d edges: median %.1f ms wall, %.1f ms cpu, %d differences%n", canary.edges().size(),
                production.edges().size(), nanos[runs / 2] / 1e6, cpu[runs / 2] / 1e6, differences);
    }

    /** A process tree of {@code edges / 10} processes, each spawning up to 8 children and touching ~10 files or remotes. */
    static GraphDocument synthetic(int edges, int pidBase, String user, String tempSuffix, long seed) {
        Random random = new Random(seed);
        Instant start = Instant.parse("2026-11-21T20:00:00Z").plusSeconds(seed * 3600);
        String home = "/home/" + user;
        int processes = Math.max(1, edges / EDGES_PER_PROCESS);
        List<Node> nodes = new ArrayList<>();
        List<Edge> edgeList = new ArrayList<>();
        String[] ids = new String[processes];
        for (int i = 0; i < processes; i++) {
            int pid = pidBase + i;
            ProcessNode process = new ProcessNode(pid, pid * 1_000L + seed, i == 0 ? 1 : pidBase + (i - 1) / CHILDREN_PER_PROCESS,
                    "/usr/bin/tool" + (i % 50), List.of("tool" + (i % 50), "--step", Integer.toString(i), home + "/work"),
                    home + "/work", 1000, 1000, 0, null, true, start, start.plusSeconds(1));
            nodes.add(process);
            ids[i] = process.id();
            if (i > 0) {
                edgeList.add(new Edge(ids[(i - 1) / CHILDREN_PER_PROCESS], ids[i], Verb.SPAWN, 1, 0, 0, start, start, List.of()));
            }
        }
        int fileCount = 0;
        for (int i = 0; i < processes && edgeList.size() < edges; i++) {
            int own = Math.min(EDGES_PER_PROCESS - (i + 1 < processes ? 1 : 0), edges - edgeList.size());
            for (int k = 0; k < own; k++) {
                Node target;
                Verb verb;
                if (k == own - 1 && i % 10 == 0) {
                    target = new RemoteNode("ipv4", "10.0." + (i % 200) + ".1", 443);
                    verb = Verb.CONNECT;
                } else {
                    String path = switch (k % 3) {
                        case 0 -> home + "/work/step" + i + "/file" + k;
                        case 1 -> "/tmp/tmp." + tempSuffix + "abcd/" + i + "-" + k;
                        default -> "/etc/app/conf" + i + "-" + k;
                    };
                    target = new FileNode("f-" + (fileCount++) + "-" + seed, path, List.of(path), 0, true, false);
                    verb = FILE_VERBS[k % FILE_VERBS.length];
                }
                nodes.add(target);
                long count = 1 + random.nextInt(5);
                edgeList.add(new Edge(ids[i], target.id(), verb, count, count * 100, 0, start, start.plusMillis(k), List.of()));
            }
        }
        List<Node> distinct = nodes.stream().distinct().toList();
        return new GraphDocument(new Session("bench-" + seed, "host-" + seed, user, pidBase, List.of("bash"), start, null),
                Stats.EMPTY, distinct, edgeList, List.of());
    }
}
