package io.changegraph.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command answers --help: the one-line usage errors all point there. */
class CliHelpTest {
    @Test
    void everyCommand_helpOption_printsItsUsageAndExitsZero() {
        List<String> names = new ArrayList<>(new CommandLine(new Main()).getSubcommands().keySet());
        names.remove("help");
        assertThat(names).contains("record", "export", "diff", "rules", "check", "serve", "agent", "session",
                "sessions", "show", "install");
        PrintStream original = System.out;
        try {
            for (String name : names) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                int code = Main.run(name, "--help");
                assertThat(code).as(name + " --help").isZero();
                assertThat(out.toString(StandardCharsets.UTF_8)).as(name + " --help")
                        .startsWith("Usage: changegraph " + name);
            }
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void fleetReleaseSubcommands_sharedByBothChannels_nameTheirOwnChannel() {
        for (String channel : List.of("rules", "config")) {
            CommandLine.ParseResult parsed = Main.commandLine().parseArgs("fleet", channel, "rollback", "7");
            CommandLine rollback = parsed.subcommand().subcommand().subcommand().commandSpec().commandLine();
            assertThat(FleetReleaseCommands.channelOf(rollback.getCommandSpec()).word()).isEqualTo(channel);
            assertThat(rollback.getUsageMessage())
                    .contains("Make the " + channel + " written at etcd revision REV")
                    .contains("a revision from 'changegraph fleet " + channel + " history'");
        }
    }

    @Test
    void record_optionsAfterTheCommandName_areTheCommands() {
        CommandLine.ParseResult parsed = Main.commandLine().parseArgs("record", "-o", "out.json", "ls", "-h", "-V",
                "--help");
        RecordCommand record = (RecordCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(record.command).containsExactly("ls", "-h", "-V", "--help");
        assertThat(parsed.subcommand().isUsageHelpRequested()).isFalse();
    }
}
