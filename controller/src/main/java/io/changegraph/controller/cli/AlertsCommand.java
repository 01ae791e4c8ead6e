package io.changegraph.controller.cli;

import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.UsageException;
import io.changegraph.controller.config.InstalledRules;
import io.changegraph.monitor.Monitor;
import io.changegraph.monitor.RuleSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code changegraph alerts flush}: sends the alert messages waiting in the outbox now. */
@Command(name = "alerts", mixinStandardHelpOptions = true, subcommands = AlertsCommand.Flush.class,
        description = "Work with alert messages waiting to be delivered (see docs/rules.md).")
final class AlertsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    @Command(name = "flush", mixinStandardHelpOptions = true,
            description = {"Send every alert message waiting in the outbox now (mail and webhook of the rules file),",
                    "once each, without rate limit. Delivered messages are deleted; failed ones stay.",
                    "Exit 0: the outbox is empty, 1: messages are left (each failure on stderr), 2: bad rules file."},
            footer = {"", "Example: sudo changegraph alerts flush"})
    static final class Flush implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--rules", paramLabel = "FILE",
                description = "the rules file whose alerts section says where messages go (default: the agent's"
                        + " installed rules file, else the shipped rules.yaml)")
        Path rules;

        @Option(names = "--config", paramLabel = "FILE",
                description = "agent configuration naming the installed rules (default $CHANGEGRAPH_CONFIG, else"
                        + " /etc/changegraph/config.yaml)")
        Path config;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            RuleSet ruleSet = InstalledRules.resolve(rules, false, config);
            if (ruleSet.config().outbox() == null) {
                throw new UsageException("the rules file sets no alerts.outbox, so undelivered messages are kept in"
                        + " memory only and there is no queue to send; set alerts.outbox (docs/rules.md)");
            }
            Monitor.FlushReport report;
            try {
                report = Monitor.flush(ruleSet.config());
            } catch (IOException e) {
                throw new UsageException("cannot read the alert outbox " + ruleSet.config().outbox() + ": "
                        + e.getMessage());
            }
            report.failures().forEach(line -> err.println("changegraph: not sent: " + line));
            out.println("sent " + report.sent() + (report.sent() == 1 ? " alert message" : " alert messages")
                    + "; " + report.left() + " left in " + ruleSet.config().outbox());
            out.flush();
            err.flush();
            return report.left() == 0 ? ExitCodes.OK : ExitCodes.FOUND;
        }
    }
}
