package io.changegraph.controller.cli;

import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.UsageException;
import io.changegraph.control.Channel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code changegraph fleet rules push|promote|history|rollback}: the fleet's rules through etcd. */
@Command(name = "rules", mixinStandardHelpOptions = true,
        subcommands = {FleetRulesCommand.Push.class, FleetReleaseCommands.Promote.class,
                FleetReleaseCommands.History.class, FleetReleaseCommands.Rollback.class},
        description = "The fleet's rules: push (checked like 'rules check' first), gray release with --group or"
                + " --hosts, promote, history, rollback.")
final class FleetRulesCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    @Command(name = "push", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Check FILE exactly like 'changegraph rules check' and, only when it is valid, write it to",
                    "etcd: for the whole fleet, or staged for one group or the hosts matching a glob (gray release).",
                    "Agents reload within 2 s; their live sessions keep the rules they started with.",
                    "Exit 0: pushed; 2: invalid (nothing written), or etcd refused or cannot be reached."},
            footer = {"", "Examples: changegraph fleet rules push rules.yaml --group canary",
                    "          changegraph fleet rules push rules.yaml --hosts 'web-*'"})
    static final class Push implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private FleetOptions etcd;
        @Parameters(paramLabel = "FILE", description = "the rules file")
        Path file;
        @Option(names = "--hosts", paramLabel = "GLOB", description = "stage for the hosts whose names match")
        String hosts;
        @Option(names = "--group", paramLabel = "G", description = "stage for the agents of control.group G")
        String group;

        @Override
        public Integer call() {
            var target = FleetReleases.target(hosts, group);
            String text = FleetReleases.read(file);
            PrintWriter err = spec.commandLine().getErr();
            if (RulesCommand.check(file, spec.commandLine().getOut(), err) != ExitCodes.OK) {
                err.println("nothing was pushed");
                err.flush();
                return ExitCodes.USAGE;
            }
            if (!text.equals(FleetReleases.read(file))) {
                throw new UsageException(file + " changed while it was checked: push it again; nothing was pushed");
            }
            return FleetReleases.push(Channel.RULES, text, target, etcd, spec.commandLine().getOut());
        }
    }
}
