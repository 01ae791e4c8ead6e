package io.changegraph.controller.cli;

import io.changegraph.controller.ExitCodes;
import io.changegraph.impact.Impact;
import io.changegraph.impact.SummaryFormats;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Summary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code changegraph summary GRAPH.json [--format text|markdown|json]}: what the recorded change did to the
 * host — ops behaviours, the net effect per path, remotes, processes left running, and the noise folded away.
 * Computed from the graph (a stored {@code summary} section is not trusted: the shipped recognisers may be newer).
 */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = {"Say what a recorded change did to the host: ops behaviours, files changed (net effect per path),",
                "remotes, processes left running; runtime loading and other noise folded and counted."},
        footer = {"", "Example: changegraph summary change.json --format markdown"})
final class SummaryCommand implements Callable<Integer> {
    enum Format { text, markdown, json }

    @Parameters(paramLabel = "GRAPH.json", description = "a changegraph/v1 graph file written by 'record -o'")
    Path input;

    @Option(names = {"-f", "--format"}, defaultValue = "text", description = "text, markdown or json (changegraph-summary/v1; default ${DEFAULT-VALUE})")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write here instead of stdout")
    Path output;

    @Override
    public Integer call() throws IOException {
        GraphDocument graph = ExportCommand.readGraph(input);
        Summary summary = Impact.summarise(graph);
        String text = switch (format) {
            case text -> SummaryFormats.text(graph, summary);
            case markdown -> SummaryFormats.markdown(graph, summary);
            case json -> SummaryFormats.json(graph, summary);
        };
        ExportCommand.writeOut(text, output);
        return ExitCodes.OK;
    }
}
