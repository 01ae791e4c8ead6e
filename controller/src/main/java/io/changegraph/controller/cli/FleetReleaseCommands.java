package io.changegraph.controller.cli;

import io.changegraph.control.Channel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * The subcommands every release channel has after its push ({@code fleet rules ...}, {@code fleet config ...}):
 * promote, history, rollback. One class each for both channels: the parent command's name is the channel.
 */
final class FleetReleaseCommands {
    private FleetReleaseCommands() {
    }

    /** The channel a subcommand acts on: its parent command's name ({@code rules} or {@code config}). */
    static Channel channelOf(CommandSpec spec) {
        String word = spec.parent().name();
        return Channel.ofWord(word)
                .orElseThrow(() -> new IllegalStateException("no release channel is called " + word));
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Make the staged ${PARENT-COMMAND-NAME} (a push with --group or --hosts) the whole fleet's.")
    static final class Promote implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private FleetOptions etcd;

        @Override
        public Integer call() {
            return FleetReleases.promote(channelOf(spec), etcd, spec.commandLine().getOut());
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "Every push, promote and rollback of the ${PARENT-COMMAND-NAME}, newest first: etcd revision,"
                    + " time, who, digest, target, action.")
    static final class History implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private FleetOptions etcd;
        @Option(names = "--json", description = "a JSON array")
        boolean json;

        @Override
        public Integer call() {
            return FleetReleases.history(channelOf(spec), json, etcd, spec.commandLine().getOut());
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Make the ${PARENT-COMMAND-NAME} written at etcd revision REV (see history) the whole fleet's"
                    + " again.")
    static final class Rollback implements Callable<Integer> {
        @Spec
        private CommandSpec spec;
        @Mixin
        private FleetOptions etcd;
        @Parameters(paramLabel = "REV", description = "a revision from '${PARENT-COMMAND-FULL-NAME} history'")
        long revision;

        @Override
        public Integer call() {
            return FleetReleases.rollback(channelOf(spec), revision, etcd, spec.commandLine().getOut());
        }
    }
}
