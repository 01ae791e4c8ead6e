package io.changegraph.controller.cli;

import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.UsageException;
import io.changegraph.controller.config.AgentConfig;
import io.changegraph.impact.Impact;
import io.changegraph.impact.SummaryFormats;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Summary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code changegraph show ID}: what a recorded session did — the summary (as {@code changegraph summary} prints
 * it) and the per-command timeline; {@code --format json|dot|graphml|cypher} writes the graph instead.
 */
@Command(name = "show", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Say what a recorded session did: its summary and a per-command timeline (live sessions: so far).",
                "--format json|dot|graphml|cypher writes its graph instead. Yours only, any for root."},
        footer = {"", "Examples: changegraph show 20261121T200000Z-web01-4242",
                "          changegraph show 20261121T200000Z-web01-4242 --format dot -o session.dot"})
final class ShowCommand implements Callable<Integer> {
    static final List<String> FORMATS = List.of("summary", "json", "dot", "graphml", "cypher");

    @Parameters(paramLabel = "ID", description = "a session id, from 'changegraph sessions'")
    String id;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write here instead of stdout")
    Path output;

    @Option(names = {"-f", "--format"}, defaultValue = "summary",
            description = "summary (the summary and a per-command timeline), or the graph as json, dot, graphml or cypher"
                    + " (default ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--config", paramLabel = "FILE",
            description = "configuration (default $CHANGEGRAPH_CONFIG, else /etc/changegraph/config.yaml)")
    Path config;

    @Override
    public Integer call() throws IOException {
        if (!FORMATS.contains(format)) {
            throw new UsageException("unknown format '" + format + "': give summary, json, dot, graphml or cypher");
        }
        SessionQueries queries = new SessionQueries(AgentConfig.load(config));
        String text = format.equals("summary") ? summary(queries.show(id, "json")) : queries.show(id, format);
        ExportCommand.writeOut(text, output);
        return ExitCodes.OK;
    }

    /** The summary of the session's graph (recomputed, as {@code changegraph summary} does) and its timeline. */
    static String summary(String graphJson) {
        GraphDocument graph = GraphJson.fromJson(graphJson);
        Summary summary = Impact.summarise(graph);
        return SummaryFormats.text(graph, summary) + "\n" + Timeline.text(graph, summary);
    }
}
