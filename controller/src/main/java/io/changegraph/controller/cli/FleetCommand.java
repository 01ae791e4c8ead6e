package io.changegraph.controller.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code changegraph fleet}: the whole fleet. Sessions and the canary diff go through the hub (docs/fleet.md);
 * hosts, rules and configuration through etcd (docs/control.md). A plain container; each subcommand is its own
 * class (add one to {@code subcommands} to extend it).
 */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = "The fleet: every host's sessions through the hub (sessions, diff of a canary with production),"
                + " and its agents through etcd (hosts; rules and config: push, gray release, promote, history,"
                + " rollback). See docs/fleet.md and docs/control.md.",
        subcommands = {FleetSessionsCommand.class, FleetDiffCommand.class, FleetHostsCommand.class,
                FleetRulesCommand.class, FleetConfigCommand.class})
final class FleetCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
