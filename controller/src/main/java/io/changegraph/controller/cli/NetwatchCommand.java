package io.changegraph.controller.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.UsageException;
import io.changegraph.probes.NetwatchProbe;
import io.changegraph.probes.ProbeException;
import io.changegraph.probes.TraceProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code changegraph netwatch}: the host-wide TCP anomaly camera. Every process on the host, no session:
 * per interval, the connections that went wrong (SYN retransmits in SYN_SENT, refused, timed out, resets)
 * summed per (executable, cgroup id, destination), as a top-N table on a terminal or JSON lines.
 */
@Command(name = "netwatch", mixinStandardHelpOptions = true,
        description = {"Watch every TCP connection this host makes (all processes, no session) and print, per",
                "interval, the ones that went wrong: SYN retransmits while connecting, refused, timed out, reset;",
                "summed per executable, cgroup and destination. A table on a terminal, JSON lines otherwise.",
                "Runs until interrupted (or --count intervals). Needs root (eBPF)."},
        footer = {"", "Example: sudo changegraph netwatch --interval 10s --top 20",
                "         sudo changegraph netwatch --json | your-log-shipper"})
public final class NetwatchCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})(ms|s|m)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    private CommandSpec spec;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "10s",
            description = "how long each report covers: 500ms, 10s, 1m (default ${DEFAULT-VALUE})")
    String interval;

    @Option(names = "--json", description = "JSON lines (one per row and interval) even on a terminal")
    boolean json;

    @Option(names = "--top", paramLabel = "N", defaultValue = "20",
            description = "rows per interval in the table (default ${DEFAULT-VALUE}; JSON lines have every row)")
    int top;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "stop after N intervals (default: run until interrupted)")
    int count;

    @Option(names = "--max-flows", paramLabel = "N", defaultValue = "4096",
            description = "rows kept per interval; the least recently updated is evicted beyond it, and counted"
                    + " (default ${DEFAULT-VALUE})")
    int maxFlows;

    @Override
    public Integer call() {
        Duration every = duration(interval);
        if (top < 1 || count < 0 || maxFlows < 1 || maxFlows > 1_000_000) {
            throw new UsageException("--top and --max-flows must be at least 1 (--max-flows at most 1000000) and"
                    + " --count 0 or more");
        }
        TraceProbe.libbpfProblem().ifPresent(problem -> {
            throw new UsageException(problem);
        });
        boolean table = !json && System.console() != null;
        PrintWriter out = spec.commandLine().getOut();
        NetwatchTable flows = new NetwatchTable(maxFlows);
        try (NetwatchProbe probe = open()) {
            watch(probe, every, count, flows, () -> true, (end, taken, lost) -> {
                out.print(table ? table(end, every, taken, lost) : jsonLines(end, every, taken, lost));
                out.flush();
            });
        }
        return ExitCodes.OK;
    }

    /** Receives each interval as it ends: its rows and what was lost in the kernel during it. */
    public interface IntervalSink {
        void accept(Instant end, NetwatchTable.Interval interval, long lost);
    }

    /**
     * Polls {@code probe} into {@code flows} and hands each interval to {@code sink}, for {@code count} intervals
     * (0: until {@code go} says stop; it is asked at least every 200 ms). The command and the agent's netwatch.
     */
    public static void watch(NetwatchProbe probe, Duration every, int count, NetwatchTable flows,
                      java.util.function.BooleanSupplier go, IntervalSink sink) {
        long[] lostBefore = probe.lost();
        for (int n = 0; (count == 0 || n < count) && go.getAsBoolean(); n++) {
            long end = System.nanoTime() + every.toNanos();
            long left;
            while ((left = end - System.nanoTime()) > 0 && go.getAsBoolean()) {
                probe.poll((int) Math.max(1, Math.min(200, left / 1_000_000)),
                        flow -> flows.add(flow, executable(flow.tgid(), flow.comm()), null));
            }
            long[] lost = probe.lost();
            long lostNow = lost[0] - lostBefore[0] + lost[1] - lostBefore[1];
            lostBefore = lost;
            sink.accept(Instant.now(), flows.take(), lostNow);
        }
    }

    public static NetwatchProbe open() {
        NetwatchProbe probe = NetwatchProbe.open();
        try {
            probe.configure(65536, 1 << 20).load().attach();
            return probe;
        } catch (ProbeException | IllegalStateException e) {
            probe.close();
            throw new UsageException("cannot start the netwatch probes: " + e.getMessage());
        }
    }

    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new UsageException("--interval '" + text + "' is not a duration: write 500ms, 10s or 1m");
        }
        long value = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(value);
            case "s" -> Duration.ofSeconds(value);
            default -> Duration.ofMinutes(value);
        };
        if (d.compareTo(Duration.ofMillis(100)) < 0 || d.compareTo(Duration.ofHours(1)) > 0) {
            throw new UsageException("--interval must be from 100ms to 60m, not '" + text + "'");
        }
        return d;
    }

    /** The process's executable while it runs, else its comm in brackets ({@code [curl]}). */
    static String executable(int tgid, String comm) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Integer.toString(tgid), "exe")).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "[" + comm + "]";
        }
    }

    /** One JSON object per row ({@code "type":"flow"}), then one for the interval ({@code "type":"interval"}). */
    public static String jsonLines(Instant end, Duration every, NetwatchTable.Interval interval, long lost) {
        StringBuilder out = new StringBuilder();
        String time = end.toString();
        double seconds = every.toMillis() / 1000.0;
        for (NetwatchTable.Row row : interval.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "flow");
            m.put("time", time);
            m.put("interval_seconds", seconds);
            m.put("exe", row.key().exe());
            m.put("cgroup_id", row.key().cgroupId());
            m.put("destination", row.key().destination());
            m.put("name", row.key().name());
            m.put("connections", row.connections());
            m.put("syn_retransmits", row.synRetransmits());
            m.put("refused", row.refused());
            m.put("timed_out", row.timedOut());
            m.put("resets_received", row.resetsReceived());
            m.put("resets_sent", row.resetsSent());
            out.append(write(m)).append('\n');
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "interval");
        m.put("time", time);
        m.put("interval_seconds", seconds);
        m.put("rows", interval.rows().size());
        m.put("evicted", interval.evicted());
        m.put("lost", lost);
        return out.append(write(m)).append('\n').toString();
    }

    private static String write(Map<String, Object> m) {
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);   // maps of strings and numbers always serialise
        }
    }

    /** The top rows as a table, worst first, with a header line for the interval. */
    String table(Instant end, Duration every, NetwatchTable.Interval interval, long lost) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s  netwatch, last %s: %d destinations with problems%s%s%n",
                end.toString().substring(11, 19), every.toString().substring(2).toLowerCase(Locale.ROOT),
                interval.rows().size(), interval.evicted() == 0 ? "" : ", " + interval.evicted() + " rows evicted",
                lost == 0 ? "" : ", " + lost + " lost in the kernel"));
        if (interval.rows().isEmpty()) {
            return out.toString();
        }
        out.append(String.format(Locale.ROOT, "  %-28s %-22s %8s %7s %7s %6s %6s %6s  %s%n", "executable",
                "destination", "conns", "synretx", "refused", "tmout", "rstin", "rstout", "cgroup"));
        int shown = 0;
        for (NetwatchTable.Row r : interval.rows()) {
            if (shown++ == top) {
                out.append("  ... ").append(interval.rows().size() - top).append(" more\n");
                break;
            }
            out.append(String.format(Locale.ROOT, "  %-28s %-22s %8d %7d %7d %6d %6d %6d  %d%n",
                    elide(r.key().exe(), 28), elide(r.key().destination(), 22), r.connections(), r.synRetransmits(),
                    r.refused(), r.timedOut(), r.resetsReceived(), r.resetsSent(), r.key().cgroupId()));
        }
        return out.toString();
    }

    private static String elide(String text, int width) {
        return text.length() <= width ? text : "…" + text.substring(text.length() - width + 1);
    }
}
