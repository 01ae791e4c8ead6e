package io.changegraph.controller.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changegraph.consumer.HostNames;
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
 * summed per (executable, cgroup — its path and container —, destination, DNS name), as a top-N table on a
 * terminal or JSON lines. DNS names come from the DNS answers any process on the host received.
 */
@Command(name = "netwatch", mixinStandardHelpOptions = true,
        description = {"Watch every TCP connection this host makes (all processes, no session) and",
                "print, per interval, the ones that went wrong: SYN retransmits while connecting,",
                "refused, timed out, reset, data retransmits; summed per executable, cgroup",
                "(container) and destination, named by the DNS answers any process received.",
                "A table on a terminal, JSON lines otherwise. Runs until interrupted (or --count",
                "intervals). Needs root (eBPF)."},
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

    @Option(names = "--max-names", paramLabel = "N", defaultValue = "4096",
            description = "addresses whose DNS name is kept; the least recently used is forgotten beyond it, and"
                    + " counted (default ${DEFAULT-VALUE})")
    int maxNames;

    @Option(names = "--no-dns", description = "do not look at DNS answers (no packet is inspected; name is null)")
    boolean noDns;

    static final int DEFAULT_MAX_NAMES = 4096;
    static final int MAX_CGROUPS = 4096;

    @Override
    public Integer call() {
        Duration every = duration(interval);
        if (top < 1 || count < 0 || maxFlows < 1 || maxFlows > 1_000_000 || maxNames < 1 || maxNames > 1_000_000) {
            throw new UsageException("--top, --max-flows and --max-names must be at least 1 (--max-flows and"
                    + " --max-names at most 1000000) and --count 0 or more");
        }
        TraceProbe.libbpfProblem().ifPresent(problem -> {
            throw new UsageException(problem);
        });
        boolean table = !json && System.console() != null;
        PrintWriter out = spec.commandLine().getOut();
        NetwatchTable flows = new NetwatchTable(maxFlows);
        try (NetwatchProbe probe = open(!noDns)) {
            watch(probe, every, count, flows, new HostNames(maxNames), CgroupNames.host(MAX_CGROUPS), () -> true,
                    (end, taken, lost) -> {
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
        watch(probe, every, count, flows, new HostNames(DEFAULT_MAX_NAMES), CgroupNames.host(MAX_CGROUPS), go, sink);
    }

    /**
     * As above, naming destinations with {@code names} (fed by the DNS answers the probe reports) and cgroup ids
     * with {@code cgroups}.
     */
    static void watch(NetwatchProbe probe, Duration every, int count, NetwatchTable flows, HostNames names,
                      CgroupNames cgroups, java.util.function.BooleanSupplier go, IntervalSink sink) {
        long[] lostBefore = probe.lost();
        long answersBefore = names.answers();
        long forgottenBefore = names.evicted();
        for (int n = 0; (count == 0 || n < count) && go.getAsBoolean(); n++) {
            long end = System.nanoTime() + every.toNanos();
            long left;
            while ((left = end - System.nanoTime()) > 0 && go.getAsBoolean()) {
                probe.poll((int) Math.max(1, Math.min(200, left / 1_000_000)), dns -> names.learn(dns.message()),
                        flow -> flows.add(flow, executable(flow.tgid(), flow.comm()), cgroups.of(flow.cgroupId()),
                                names.nameOf(flow.address()).orElse(null)));
            }
            long[] lost = probe.lost();
            long lostNow = 0;
            for (int i = 0; i < lost.length; i++) {
                lostNow += lost[i] - lostBefore[i];
            }
            lostBefore = lost;
            sink.accept(Instant.now(), flows.take().withNames(names.answers() - answersBefore,
                    names.evicted() - forgottenBefore), lostNow);
            answersBefore = names.answers();
            forgottenBefore = names.evicted();
        }
    }

    public static NetwatchProbe open() {
        return open(true);
    }

    /** Opens, loads and attaches the netwatch probes; {@code dns} false leaves the DNS answer program out. */
    static NetwatchProbe open(boolean dns) {
        NetwatchProbe probe = NetwatchProbe.open();
        try {
            probe.configure(1 << 20, dns).load().attach();
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
            m.put("cgroup", row.key().cgroup().path());
            m.put("container", row.key().cgroup().container());
            m.put("pod", row.key().cgroup().pod());
            m.put("destination", row.key().destination());
            m.put("name", row.key().name());
            m.put("connections", row.connections());
            m.put("syn_retransmits", row.synRetransmits());
            m.put("refused", row.refused());
            m.put("timed_out", row.timedOut());
            m.put("resets_received", row.resetsReceived());
            m.put("resets_sent", row.resetsSent());
            m.put("retransmits", row.retransmits());
            out.append(write(m)).append('\n');
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "interval");
        m.put("time", time);
        m.put("interval_seconds", seconds);
        m.put("rows", interval.rows().size());
        m.put("evicted", interval.evicted());
        m.put("lost", lost);
        m.put("dns_answers", interval.dnsAnswers());
        m.put("names_evicted", interval.namesEvicted());
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
        out.append(String.format(Locale.ROOT, "%s  netwatch, last %s: %d destinations with problems%s%s%s%n",
                end.toString().substring(11, 19), every.toString().substring(2).toLowerCase(Locale.ROOT),
                interval.rows().size(), interval.evicted() == 0 ? "" : ", " + interval.evicted() + " rows evicted",
                lost == 0 ? "" : ", " + lost + " lost in the kernel",
                interval.namesEvicted() == 0 ? "" : ", " + interval.namesEvicted() + " names forgotten"));
        if (interval.rows().isEmpty()) {
            return out.toString();
        }
        out.append(String.format(Locale.ROOT, "  %-24s %-22s %-20s %6s %7s %7s %6s %6s %6s %6s  %s%n", "executable",
                "destination", "name", "conns", "synretx", "refused", "tmout", "rstin", "rstout", "retx",
                "container / cgroup"));
        int shown = 0;
        for (NetwatchTable.Row r : interval.rows()) {
            if (shown++ == top) {
                out.append("  ... ").append(interval.rows().size() - top).append(" more\n");
                break;
            }
            out.append(String.format(Locale.ROOT, "  %-24s %-22s %-20s %6d %7d %7d %6d %6d %6d %6d  %s%n",
                    elide(r.key().exe(), 24), elide(r.key().destination(), 22),
                    r.key().name() == null ? "-" : elide(r.key().name(), 20), r.connections(), r.synRetransmits(),
                    r.refused(), r.timedOut(), r.resetsReceived(), r.resetsSent(), r.retransmits(), where(r.key())));
        }
        return out.toString();
    }

    /** The container (its first 12 characters, as docker ps shows it), else the cgroup path, else its id. */
    static String where(NetwatchTable.Key key) {
        CgroupNames.Cgroup c = key.cgroup();
        if (c.container() != null) {
            return c.container().substring(0, Math.min(12, c.container().length()))
                    + (c.pod() == null ? "" : " pod " + c.pod());
        }
        if (c.pod() != null) {
            return "pod " + c.pod();
        }
        return c.path() != null ? elide(c.path(), 40) : "#" + key.cgroupId();
    }

    private static String elide(String text, int width) {
        return text.length() <= width ? text : "…" + text.substring(text.length() - width + 1);
    }
}
