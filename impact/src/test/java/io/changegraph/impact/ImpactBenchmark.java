package io.changegraph.impact;

import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Summary;
import io.changegraph.repository.model.Verb;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Times {@link Impact#summarise} — what {@code record} pays at every flush and at the end — on recorded graphs
 * (e.g. a recording of examples/deploy.sh) and on synthetic change-shaped graphs of N edges built through
 * {@link ChangeGraph#apply} as the recorder builds them. Prints the CPU time of the summarising thread: the first
 * run (cold code, as in a fresh {@code record} JVM) and the median of 5 warm runs; for synthetic graphs also the CPU
 * of applying their events to a graph, which is only part of a recording's own CPU (decoding and the kernel side
 * come on top), so summary / apply is an upper bound of the summary's share of the recording's CPU.
 * Not a JUnit test: {@code bench/java-bench.sh impact io.changegraph.impact.ImpactBenchmark [FILE.json|EDGES ...]}.
 */
public final class ImpactBenchmark {
    private static final int RUNS = 5;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ImpactBenchmark() {
    }

    public static void main(String[] args) {
        List<String> inputs = args.length == 0 ? List.of("1000000") : Arrays.asList(args);
        System.out.printf("%-40s %9s %9s %12s %12s %12s %9s%n", "graph", "nodes", "edges", "apply cpu ms", "cold cpu ms",
                "warm cpu ms", "share");
        for (String input : inputs) {
            if (input.matches("[0-9]+")) {
                long t = cpu();
                GraphDocument doc = synthetic(Integer.parseInt(input));
                long apply = (cpu() - t) / 1_000_000;
                report("synthetic " + input, doc, apply);
            } else {
                report(Path.of(input).getFileName().toString(), GraphJson.read(Path.of(input)), -1);
            }
        }
    }

    private static void report(String label, GraphDocument doc, long applyMs) {
        long t = cpu();
        Summary summary = Impact.summarise(doc);
        long cold = (cpu() - t) / 1_000_000;
        long[] warm = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            t = cpu();
            Impact.summarise(doc);
            warm[i] = (cpu() - t) / 1_000_000;
        }
        Arrays.sort(warm);
        long median = warm[RUNS / 2];
        System.out.printf("%-40s %9d %9d %12s %12d %12d %9s   (%d files, %d behaviours, folded %d)%n", label,
                doc.nodes().size(), doc.edges().size(), applyMs < 0 ? "-" : Long.toString(applyMs), cold, median,
                applyMs <= 0 ? "-" : String.format("%.1f%%", 100.0 * median / applyMs), summary.files().size(),
                summary.behaviours().size(), summary.foldedTotal());
    }

    private static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /**
     * About {@code edges} edges of change-shaped work: processes that load the runtime, look up locales that are
     * not there, read data, write results through temp files renamed into place, delete some, and connect out.
     */
    static GraphDocument synthetic(int edges) {
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        ChangeGraph graph = new ChangeGraph(new Session("bench", "host", "root", 100, List.of("bash", "job.sh"), t0, null));
        ProcessNode root = new ProcessNode(100, 100_000L, 1, "/usr/bin/bash", List.of("bash", "job.sh"), "/", 0, 0, null, null,
                true, t0, null);
        int perProcess = 50;
        int processes = Math.max(1, edges / perProcess);
        long tick = 0;
        for (int p = 0; p < processes; p++) {
            Instant at = t0.plusMillis(tick++);
            ProcessNode child = new ProcessNode(1000 + p, (1000L + p) * 1000, 100, "/usr/bin/tool", List.of("tool", "--n", "" + p),
                    "/", 0, 0, null, null, true, at, null);
            graph.apply(Event.once(at, root, Verb.SPAWN, child, false, null));
            graph.apply(Event.once(at, child, Verb.EXEC, FileRef.of("/usr/bin/tool"), false, null));
            for (String lib : List.of("/etc/ld.so.cache", "/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/locale/locale-archive")) {
                graph.apply(Event.once(at, child, Verb.OPEN, FileRef.of(lib), false, "read"));
                graph.apply(Event.once(at, child, Verb.READ, FileRef.of(lib), false, null));
            }
            for (int i = 0; i < 8; i++) {
                graph.apply(Event.once(at, child, Verb.OPEN, FileRef.of("/usr/share/locale/l" + i + "/LC_MESSAGES/tool.mo"), true, "read"));
            }
            String dir = "/srv/data/" + (p % 1000) + "/" + p;
            for (int i = 0; i < 12; i++) {
                graph.apply(Event.once(at, child, Verb.OPEN, FileRef.of(dir + "/in" + i), false, "read"));
                graph.apply(Event.once(at, child, Verb.READ, FileRef.of(dir + "/in" + i), false, null));
            }
            for (int i = 0; i < 2; i++) {
                String temp = dir + "/.out" + i + ".tmp";
                graph.apply(Event.once(at, child, Verb.CREATE, FileRef.of(temp), false, "write,create,truncate"));
                graph.apply(Event.once(at, child, Verb.WRITE, FileRef.of(temp), false, null));
                graph.apply(Event.once(at, child, Verb.CHMOD, FileRef.of(temp), false, "0644"));
                graph.apply(Event.once(at, child, Verb.RENAME, FileRef.of(temp), false, dir + "/out" + i));
            }
            graph.apply(Event.once(at, child, Verb.CREATE, FileRef.of(dir + "/lock"), false, "write,create"));
            graph.apply(Event.once(at, child, Verb.UNLINK, FileRef.of(dir + "/lock"), false, null));
            graph.apply(Event.once(at, child, Verb.UNLINK, FileRef.of(dir + "/in0"), false, null));
            graph.apply(Event.once(at, child, Verb.CONNECT, new RemoteNode("ipv4", "10.0." + (p % 250) + ".1", 443), false, null));
            graph.apply(Event.once(at, child.withExit(0, null, at), Verb.EXIT, child, false, "0"));
        }
        graph.endSession(t0.plusMillis(tick + 1));
        return graph.snapshot();
    }
}
