package io.changegraph.controller.record;

import io.changegraph.controller.UsageException;
import io.changegraph.controller.config.InstalledRules;
import io.changegraph.controller.config.OpsSettings;
import io.changegraph.controller.os.CpuPlacement;
import io.changegraph.controller.os.PollPriority;
import io.changegraph.probes.ProbeTunables;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one recording follows and where it writes.
 *
 * @param command   the command to start and follow (empty when following {@code pid})
 * @param pid       an existing process to follow with its descendants (0 when starting {@code command})
 * @param waitAll   keep recording after the root exits until every followed process has exited
 * @param flushEvery how often the graph file is rewritten while recording
 * @param rawRecords where to copy the raw ring-buffer records (fixtures), or null
 * @param rules     rules file evaluated live, or null for the installed ones (see InstalledRules)
 * @param noRules   evaluate no rules at all
 * @param alertLog  JSON-lines alert log, or null for none
 * @param lowPriority the ring-buffer thread runs at low CPU priority while it keeps up (see PollPriority)
 * @param cpu       which CPU the recorder's threads stay on (see CpuPlacement)
 * @param ops       self-protection and the metrics endpoint (docs/ops.md)
 */
public record RecordOptions(Path output, List<String> command, int pid, boolean waitAll, Duration flushEvery,
                     ProbeTunables tunables, boolean statusLine, Path rawRecords, Path rules, boolean noRules, Path alertLog,
                     boolean lowPriority, CpuPlacement cpu, OpsSettings ops) {
    public RecordOptions {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(ops, "ops");
        Objects.requireNonNull(cpu, "cpu");
        command = List.copyOf(command);
        if (command.isEmpty() == (pid == 0)) {
            throw new UsageException("give either a command after '--' or --pid PID, not both or neither"
                    + " (e.g. changegraph record -o out.json -- ./deploy.sh)");
        }
        if (noRules && rules != null) {
            throw new UsageException("--rules and --no-rules contradict each other: give one of them");
        }
        if (pid < 0) {
            throw new UsageException("--pid must be a positive process id, not " + pid);
        }
        if (flushEvery.isNegative() || flushEvery.isZero()) {
            throw new UsageException("--flush-interval must be positive");
        }
    }
}
