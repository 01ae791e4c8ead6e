package io.changegraph.controller;

import io.changegraph.repository.DiffOptions;
import io.changegraph.repository.DiffReport;
import io.changegraph.repository.GraphDiff;
import io.changegraph.repository.GraphDocument;
import io.changegraph.repository.GraphFormatException;
import io.changegraph.repository.GraphJson;
import io.changegraph.repository.Normalization;
import io.changegraph.repository.RemoteMatch;
import io.changegraph.repository.Verb;
import io.changegraph.repository.io.TerminalText;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code changegraph diff CANARY.json PROD.json}: compares the canary run of a change with its production run.
 * Exit 0 when the behaviours match, 1 when they differ, 2 on bad input (one line on stderr).
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compare the change graph of a canary run with the production run of the same change.",
                "Pids and times never count. By default homes become ~, the user <user>, the host <host>,",
                "mktemp/sed/python temp names <tmp>, /proc/PID /proc/<pid>; --normalize FILE changes that.",
                "Exit 0: same behaviour, 1: different, 2: bad input."})
public final class DiffCommand implements Callable<Integer> {
    private static final String GRAPH_HINT = "give two graph files written by 'changegraph record -o FILE'";

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CANARY", description = "graph JSON of the canary run")
    private Path canary;

    @Parameters(index = "1", paramLabel = "PROD", description = "graph JSON of the production run")
    private Path production;

    @Option(names = "--json", description = "print the machine-readable report (changegraph-diff/v1)")
    private boolean json;

    @Option(names = "--normalize", paramLabel = "FILE",
            description = "normalisation rules (YAML or JSON) instead of the defaults")
    private Path normalize;

    @Option(names = "--ignore-path", paramLabel = "GLOB",
            description = "leave out files with a matching path, as recorded or normalised,"
                    + " e.g. '/var/log/**' or '~/.cache/**' (repeatable)")
    private List<String> ignorePaths = new ArrayList<>();

    @Option(names = "--ignore-verb", paramLabel = "VERB", description = "leave out a verb, e.g. read or exit (repeatable)")
    private List<String> ignoreVerbs = new ArrayList<>();

    @Option(names = "--count-tolerance", paramLabel = "RATIO", defaultValue = "10",
            description = "report a count or byte difference of this factor or more (default ${DEFAULT-VALUE}; 0: never)")
    private double countTolerance;

    @Option(names = "--remote-match", paramLabel = "full|port|host", defaultValue = "full",
            description = "match remote endpoints by address and port (full), port only, or host only")
    private String remoteMatch;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        DiffOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            err.println("changegraph diff: " + TerminalText.line(e.getMessage()) + ": see 'changegraph diff --help'");
            err.flush();
            return 2;
        }
        GraphDocument canaryGraph;
        GraphDocument productionGraph;
        try {
            canaryGraph = GraphJson.read(canary);
            productionGraph = GraphJson.read(production);
        } catch (GraphFormatException e) {
            err.println("changegraph diff: " + TerminalText.line(e.getMessage()) + ": " + GRAPH_HINT);
            err.flush();
            return 2;
        }
        DiffReport report = GraphDiff.compare(canaryGraph, productionGraph, options);
        PrintWriter out = spec.commandLine().getOut();
        out.print(TerminalText.lines(json ? report.json() : report.text()));
        out.flush();
        return report.hasDifferences() ? 1 : 0;
    }

    private DiffOptions options() {
        Set<Verb> verbs = EnumSet.noneOf(Verb.class);
        for (String verb : ignoreVerbs) {
            verbs.add(Verb.fromWire(verb));
        }
        RemoteMatch match;
        try {
            match = RemoteMatch.valueOf(remoteMatch.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--remote-match must be full, port or host, not '" + remoteMatch + "'");
        }
        return DiffOptions.defaults()
                .withNormalization(normalize == null ? Normalization.defaults() : Normalization.load(normalize))
                .withIgnorePaths(ignorePaths)
                .withIgnoreVerbs(verbs)
                .withCountTolerance(countTolerance)
                .withRemoteMatch(match);
    }
}
