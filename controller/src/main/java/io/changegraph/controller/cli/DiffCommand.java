package io.changegraph.controller.cli;

import io.changegraph.impact.Impact;
import io.changegraph.repository.diff.DiffOptions;
import io.changegraph.repository.diff.DiffReport;
import io.changegraph.repository.diff.GraphDiff;
import io.changegraph.repository.diff.Normalization;
import io.changegraph.repository.diff.RemoteMatch;
import io.changegraph.repository.formats.GraphFormatException;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.io.TerminalText;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Verb;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
        description = {"Compare a canary run's graph with the production run of the same change:",
                "first what they changed differently (packages, users, services, files,",
                "remotes, daemons), then with --detail each behaviour that differs.",
                "Pids and times never count. By default homes read ~, the user <user>, the",
                "host <host>, temp names (mktemp, mkstemp, sed, python, apt, dpkg, swap)",
                "<tmp>, a pid of the acting process <pid>, an accepted peer's ephemeral port",
                "<ephemeral>; rules apply to each path, argv element and detail on its own.",
                "The root commands compare as one: an argument difference is reported once",
                "and its values match below. --normalize FILE adds rules,",
                "--no-default-normalize drops the built-in ones (repository/README.md).",
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

    @Option(names = "--detail", description = "list every edge-level difference after what the runs changed differently")
    private boolean detail;

    @Option(names = "--normalize", paramLabel = "FILE",
            description = "normalisation rules (YAML or JSON): the built-in rules (unless it says defaults: false) plus its own")
    private Path normalize;

    @Option(names = {"--no-default-normalize", "--no-default-normalise"},
            description = "no built-in normalisation (rules, user/host names, pids, ephemeral ports):"
                    + " compare as recorded, apart from the rules of --normalize FILE")
    private boolean noDefaultNormalize;

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
        // production is read and summarised on another thread meanwhile: the two are independent
        CompletableFuture<GraphDocument> other = CompletableFuture.supplyAsync(() -> summarised(GraphJson.read(production)));
        try {
            canaryGraph = summarised(GraphJson.read(canary));
            productionGraph = other.join();
        } catch (GraphFormatException | CompletionException e) {
            Throwable cause = e instanceof CompletionException ? e.getCause() : e;
            if (!(cause instanceof GraphFormatException)) {
                throw e;
            }
            err.println("changegraph diff: " + TerminalText.line(cause.getMessage()) + ": " + GRAPH_HINT);
            err.flush();
            return 2;
        }
        DiffReport report = GraphDiff.compare(canaryGraph, productionGraph, options);
        PrintWriter out = spec.commandLine().getOut();
        out.print(TerminalText.lines(json ? report.json() : report.text(detail)));
        out.flush();
        return report.hasDifferences() ? 1 : 0;
    }

    /** The graph with a summary computed now by the shipped recognisers (as 'changegraph summary' does). */
    private static GraphDocument summarised(GraphDocument graph) {
        return graph.withSummary(Impact.summarise(graph));
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
                .withNormalization(normalize != null ? Normalization.load(normalize, !noDefaultNormalize)
                        : noDefaultNormalize ? Normalization.none() : Normalization.defaults())
                .withIgnorePaths(ignorePaths)
                .withIgnoreVerbs(verbs)
                .withCountTolerance(countTolerance)
                .withRemoteMatch(match);
    }
}
