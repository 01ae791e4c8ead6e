package io.changegraph.controller.cli;

import io.changegraph.controller.UsageException;
import io.changegraph.controller.os.CpuPlacement;
import io.changegraph.controller.record.RecordOptions;
import io.changegraph.controller.record.Recorder;
import io.changegraph.probes.ProbeTunables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "record", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Follows a command (or an existing process) and all its descendants in the kernel and"
                + " writes their change-impact graph.",
                "Ends when the command (or the followed process) exits, or on Ctrl-C with --pid."},
        footer = {"", "Examples:", "  sudo changegraph record -o change.json -- ./deploy.sh --env canary",
                "  sudo changegraph record -o session.json --pid 4242",
                "Exit: the command's own status; 2 bad usage/environment; 3 recording failed (graph so far kept)."})
final class RecordCommand implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "graph file (changegraph/v1 JSON), rewritten while recording; default changegraph-<time>.json")
    Path output;

    @Option(names = "--pid", paramLabel = "PID", description = "follow this running process and its descendants")
    int pid;

    @Option(names = "--wait-all", description = "after the root exits, keep recording until every followed"
            + " process (e.g. a detached daemon) has exited")
    boolean waitAll;

    @Option(names = "--flush-interval", paramLabel = "SECONDS", defaultValue = "5",
            description = "how often the graph file is rewritten while recording (default ${DEFAULT-VALUE})")
    double flushSeconds;

    @Option(names = "--max-processes", paramLabel = "N", defaultValue = "65536",
            description = "processes followed at once (default ${DEFAULT-VALUE})")
    int maxProcesses;

    @Option(names = "--ring-buffer-mb", paramLabel = "MB", defaultValue = "4",
            description = "kernel ring buffer size, a power of two (default ${DEFAULT-VALUE})")
    int ringBufferMb;

    @Option(names = "--payload-bytes", paramLabel = "N", defaultValue = "512",
            description = "first bytes of a connection's first send (HTTP request line, TLS server name) and of each DNS"
                    + " answer captured to name remotes; 0 turns payload capture off, at most 4096 (default ${DEFAULT-VALUE})")
    int payloadBytes;

    @Option(names = "--status", negatable = true, description = "live status line on stderr when it is a terminal"
            + " (default: on with --pid, off with a command, whose own output shares the terminal)")
    Boolean status;

    @Option(names = "--rules", paramLabel = "FILE",
            description = "evaluate these risky-behaviour rules live (default: the agent's installed rules file, else"
                    + " the shipped rules.yaml); alerts annotate the graph and go to the alert log, mail and webhook"
                    + " configured in the file (docs/rules.md)")
    Path rules;

    @Option(names = "--no-rules", description = "evaluate no rules: no alerts, no alert log, no mail")
    boolean noRules;

    @Option(names = "--alert-log", paramLabel = "FILE", description = "JSON-lines alert log (overrides the rules file's)")
    Path alertLog;

    @Option(names = "--low-priority", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "decode at low CPU priority (nice 10) while keeping up, so the recorded work does not wait"
                    + " for the recorder; back to normal when records pile up (default on; needs CAP_SYS_NICE)")
    boolean lowPriority;

    @Option(names = "--cpu", paramLabel = "CPU", defaultValue = "auto",
            description = "keep the recorder's threads on this CPU, out of the recorded work's way: auto (the last CPU,"
                    + " with --low-priority on a machine of 2 or more CPUs), none, or a CPU number (default ${DEFAULT-VALUE})")
    String cpu;

    @picocli.CommandLine.Mixin
    ProtectOptions protect = new ProtectOptions();

    @Option(names = "--raw-records", paramLabel = "FILE", hidden = true,
            description = "also write the raw ring-buffer records (length-prefixed), for test fixtures")
    Path rawRecords;

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "the command to run and follow; everything after its name is its own ('--' before it is optional)")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (flushSeconds <= 0) {
            throw new UsageException("--flush-interval must be a positive number of seconds");
        }
        ProbeTunables tunables;
        try {
            tunables = new ProbeTunables(maxProcesses, Math.multiplyExact(ringBufferMb, 1 << 20), 0, payloadBytes);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new UsageException("bad tunable: " + e.getMessage());
        }
        Path out = output != null ? output : Path.of("changegraph-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now()) + ".json");
        RecordOptions options = new RecordOptions(out, command, pid, waitAll,
                Duration.ofMillis((long) (flushSeconds * 1000)), tunables, status != null ? status : pid != 0,
                rawRecords, rules, noRules, alertLog, lowPriority, CpuPlacement.parse(cpu), protect.settings());
        return new Recorder(options, System.err).run();
    }
}
