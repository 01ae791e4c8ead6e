package io.changegraph.controller.cli;

import io.changegraph.controller.config.FleetConfig;
import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.UsageException;
import io.changegraph.control.Channel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code changegraph fleet config push|promote|history|rollback}: the fleet's share of the agents' configuration
 * ({@link FleetConfig#PUSHABLE}) through etcd.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        subcommands = {FleetConfigCommand.Push.class, FleetReleaseCommands.Promote.class,
                FleetReleaseCommands.History.class, FleetReleaseCommands.Rollback.class},
        description = "The fleet's agent configuration (limits, payload capture...): push (checked like config.yaml"
                + " first), gray release with --group or --hosts, promote, history, rollback.")
final class FleetConfigCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    @Command(name = "push", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Check FILE like config.yaml (only the keys a fleet may set: limits, payload capture,",
                    "retention, netwatch) and, only when it is valid, write it to etcd: for the whole fleet, or staged",
                    "for one group or host glob. Per-user limits apply at once, the rest at each agent's next start.",
                    "Exit 0: pushed; 2: invalid (nothing written), or etcd refused or cannot be reached."},
            footer = {"", "Example: changegraph fleet config push fleet-config.yaml --group canary"})
    static final class Push implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private FleetOptions etcd;
        @Parameters(paramLabel = "FILE", description = "the configuration, e.g. 'max_sessions_per_user: 16'")
        Path file;
        @Option(names = "--hosts", paramLabel = "GLOB", description = "stage for the hosts whose names match")
        String hosts;
        @Option(names = "--group", paramLabel = "G", description = "stage for the agents of control.group G")
        String group;

        @Override
        public Integer call() {
            var target = FleetReleases.target(hosts, group);
            String text = FleetReleases.read(file);
            try {
                FleetConfig.check(text, file.toString());
            } catch (UsageException e) {
                throw new UsageException(e.getMessage() + "; nothing was pushed");
            }
            return FleetReleases.push(Channel.CONFIG, text, target, etcd, spec.commandLine().getOut());
        }
    }
}
