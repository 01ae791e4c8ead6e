package io.changegraph.controller.cli;

import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.UsageException;
import io.changegraph.controller.Version;
import io.changegraph.repository.formats.GraphFormatException;
import io.changegraph.repository.io.BadInputException;
import io.changegraph.repository.io.TerminalText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code changegraph} command line. Exit codes: see {@link ExitCodes}. */
@Command(name = "changegraph", mixinStandardHelpOptions = true, version = Version.TEXT,
        description = "Records what a change does to a host as a change-impact graph (eBPF).",
        subcommands = {RecordCommand.class, SummaryCommand.class, ExportCommand.class, DiffCommand.class, RulesCommand.class,
                CheckCommand.class, ServeCommand.class, AgentCommand.class, SessionCommand.class, SessionsCommand.class,
                ShowCommand.class, InstallCommand.class, AlertsCommand.class, NetwatchCommand.class, HubCommand.class,
                FleetCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code; never throws. */
    public static int run(String... args) {
        try {
            return commandLine().execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            System.err.println("changegraph: " + (e instanceof OutOfMemoryError ? "out of memory" : "input nested too deep")
                    + ": an input is bigger than this JVM can hold (lower the limits in docs/limits.md, or raise -Xmx"
                    + " with CHANGEGRAPH_JAVA_OPTS)");
            return ExitCodes.INTERNAL;
        }
    }

    /** The configured command line, not yet run. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        // like sudo or strace: everything after the command's name is the command's, "-h" included
        cli.getSubcommands().get("record").setStopAtPositional(true);
        cli.setParameterExceptionHandler((ex, argv) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("changegraph: " + TerminalText.line(ex.getMessage()) + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help')");
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof UsageException || ex instanceof BadInputException || ex instanceof GraphFormatException) {
                err.println("changegraph: " + TerminalText.line(ex.getMessage()));
                return ExitCodes.USAGE;
            }
            LOG.debug("internal error", ex);
            err.println("changegraph: internal error: " + TerminalText.line(String.valueOf(ex))
                    + " (run again with CHANGEGRAPH_LOG=debug for details; please report it)");
            return ExitCodes.INTERNAL;
        });
        return cli;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is needed: record, export, "
                + "diff, rules, check, alerts, serve, agent, session, sessions, show, install, netwatch or fleet");
    }
}
