package io.changegraph.controller.cli;

import io.changegraph.controller.record.SessionPipeline;
import io.changegraph.monitor.Monitor;
import io.changegraph.monitor.RuleSet;
import io.changegraph.monitor.RulesException;
import io.changegraph.repository.formats.GraphFormatException;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.io.TerminalText;
import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.GraphDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * {@code changegraph check --rules rules.yaml GRAPH.json}: evaluates the rules on a recorded graph, prints
 * one line per hit and a summary. A graph recorded with the same rules ({@code session.rules} is their digest)
 * keeps the alerts they gave on its events, live (the {@link SessionPipeline}'s one alert policy): those are
 * reported. Any other graph is evaluated on its aggregated edges, replayed in order of first occurrence. Exit 0 when no rule of severity warning or critical fired, 1 when one
 * did (usable in CI), 2 when the rules or the graph cannot be read.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Evaluate risky-behaviour rules on a recorded graph and print the hits.",
                "Exit 0: no warning or critical hit, 1: at least one, 2: bad rules or graph file."},
        footer = {"", "Example: changegraph check --rules rules.yaml change.json"})
public final class CheckCommand implements Callable<Integer> {
    private static final Comparator<Alert> REPORT_ORDER = Comparator.comparing(Alert::time)
            .thenComparing(Alert::ruleId).thenComparing(a -> Objects.requireNonNullElse(a.edgeTarget(), ""));

    @Spec
    private CommandSpec spec;

    @Option(names = "--rules", required = true, paramLabel = "FILE", description = "the rules file, e.g. rules.yaml")
    private Path rulesFile;

    @Parameters(paramLabel = "GRAPH.json", description = "a changegraph/v1 graph file written by 'record -o'")
    private Path graphFile;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RuleSet rules;
        try {
            rules = RuleSet.load(rulesFile);
        } catch (RulesException e) {
            e.problems().forEach(p -> err.println(TerminalText.line(p)));
            err.println("fix the rules file first (changegraph rules check " + TerminalText.line(rulesFile.toString()) + ")");
            err.flush();
            return 2;
        }
        GraphDocument graph;
        try {
            graph = GraphJson.read(graphFile);
        } catch (GraphFormatException e) {
            err.println(TerminalText.line(e.getMessage()));
            err.flush();
            return 2;
        }
        List<Alert> alerts;
        if (rules.digest().equals(graph.session().rules())) {
            // recorded with these very rules: its alerts are their evaluation on the events, in event order
            alerts = graph.alerts().stream().sorted(REPORT_ORDER).toList();
        } else {
            alerts = Monitor.evaluate(rules, graph);
            err.println("changegraph: note: " + TerminalText.line(graphFile.toString()) + " was not recorded with these rules; they are evaluated"
                    + " on its aggregated edges, where threshold and sequence rules are approximate (record with"
                    + " --rules " + TerminalText.line(rulesFile.toString()) + " for exact alerts)");
        }
        Monitor.describe(alerts, graph).forEach(line -> out.println(TerminalText.line(line)));
        long serious = alerts.stream().filter(a -> !a.severity().equals("info")).count();
        out.println(TerminalText.line(graphFile.toString()) + ": " + alerts.size() + (alerts.size() == 1 ? " hit" : " hits") + ", " + serious
                + " of severity warning or critical");
        out.flush();
        return serious > 0 ? 1 : 0;
    }
}
