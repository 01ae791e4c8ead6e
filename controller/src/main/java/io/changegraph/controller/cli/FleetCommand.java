package io.changegraph.controller.cli;

import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code changegraph fleet ...}: the fleet's control plane on etcd (docs/control.md). */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        subcommands = {FleetHostsCommand.class, FleetRulesCommand.class, FleetConfigCommand.class},
        description = "Work with a fleet of agents through etcd: registered hosts, rules and configuration"
                + " (push, gray release, promote, history, rollback). See docs/control.md.")
final class FleetCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
