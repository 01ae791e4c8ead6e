package io.changegraph.controller.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code changegraph fleet}: the whole fleet through the hub. A plain container; each subcommand is its own class
 * (add one to {@code subcommands} to extend it).
 */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = "Every host's sessions through the hub: list them, compare a canary with production.",
        subcommands = {FleetSessionsCommand.class, FleetDiffCommand.class})
final class FleetCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
