package io.changegraph.controller.cli;

import io.changegraph.monitor.RuleSet;
import io.changegraph.monitor.RulesException;
import io.changegraph.repository.io.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code changegraph rules check FILE}: validates a rules file. Valid: one summary line on stdout, exit 0.
 * Invalid: every problem as {@code file:line:column: message; hint} on stderr, exit 2.
 */
@Command(name = "rules", mixinStandardHelpOptions = true, subcommands = RulesCommand.Check.class,
        description = "Work with risky-behaviour rules files (see docs/rules.md).")
public final class RulesCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Validate a rules file: unknown keys, bad globs, regexes, CIDRs, ports and types are",
                    "reported as file:line:column with a hint. Exit 0: valid, 2: invalid or unreadable."},
            footer = {"", "Example: changegraph rules check rules.yaml"})
    public static final class Check implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the rules file, e.g. rules.yaml")
        private Path file;

        @Override
        public Integer call() {
            try {
                RuleSet rules = RuleSet.load(file);
                spec.commandLine().getOut().println(TerminalText.line(rules.summary()));
                spec.commandLine().getOut().flush();
                return 0;
            } catch (RulesException e) {
                PrintWriter err = spec.commandLine().getErr();
                e.problems().forEach(p -> err.println(TerminalText.line(p)));
                int n = e.problems().size();
                err.println(n + (n == 1 ? " problem" : " problems") + " in " + TerminalText.line(file.toString())
                        + "; nothing was loaded");
                err.flush();
                return 2;
            }
        }
    }
}
