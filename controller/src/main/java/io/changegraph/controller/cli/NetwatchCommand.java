package io.changegraph.controller.cli;

import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.UsageException;
import io.changegraph.controller.netwatch.NetwatchCamera;
import io.changegraph.controller.netwatch.NetwatchOutput;
import io.changegraph.controller.netwatch.NetwatchTable;
import io.changegraph.probes.NetwatchProbe;
import io.changegraph.probes.TraceProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code changegraph netwatch}: the host-wide TCP anomaly camera. Every process on the host, no session:
 * per interval, the connections that went wrong (SYN retransmits in SYN_SENT, refused, timed out, resets)
 * summed per (executable, cgroup — its path and container —, destination, DNS name), as a top-N table on a
 * terminal or JSON lines. DNS names come from the DNS answers any process on the host received. The options
 * are read here; the loop and the output are {@code controller/netwatch}'s.
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
        try (NetwatchProbe probe = NetwatchCamera.open(!noDns)) {
            NetwatchCamera.watch(probe, every, count, flows, maxNames, () -> true, (end, taken, lost) -> {
                out.print(table ? NetwatchOutput.table(end, every, taken, lost, top)
                        : NetwatchOutput.jsonLines(end, every, taken, lost));
                out.flush();
            });
        }
        return ExitCodes.OK;
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
}
