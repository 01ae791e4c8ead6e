package io.changegraph.controller.cli;

import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.UsageException;
import io.changegraph.impact.Impact;
import io.changegraph.repository.formats.GraphFormatException;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.formats.OutputFormat;
import io.changegraph.repository.io.AtomicFile;
import io.changegraph.repository.io.TerminalText;
import io.changegraph.repository.model.GraphDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Converts a graph file to DOT, GraphML, Cypher (Neo4j) or canonical JSON.",
                "--changes-only keeps the impact subgraph: the processes that changed something (and their ancestors),",
                "the files they changed, their remotes; noise (runtime loading, failed lookups, ...) left out."},
        footer = {"", "Example: changegraph export change.json --format cypher -o change.cypher",
                "         changegraph export change.json --changes-only --format dot | dot -Tsvg > change.svg"})
final class ExportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "GRAPH.json", description = "a changegraph/v1 graph file")
    Path input;

    @Option(names = {"-f", "--format"}, defaultValue = "dot", description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    OutputFormat format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write here instead of stdout")
    Path output;

    @Option(names = "--changes-only", description = "only what changed the host (see 'changegraph summary'), with the summary")
    boolean changesOnly;

    @Override
    public Integer call() throws IOException {
        GraphDocument graph = readGraph(input);
        if (changesOnly) {
            graph = Impact.summariseChangesOnly(graph);
        }
        GraphDocument exported = graph;
        // streamed: a 200 MB graph is never a second time in memory as text
        if (output == null) {
            Writer out = TerminalText.lines(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8),
                    1 << 16));
            export(exported, format, out);
            out.flush();
        } else {
            AtomicFile.writeText(output, out -> export(exported, format, out));
        }
        return ExitCodes.OK;
    }

    private static void export(GraphDocument graph, OutputFormat format, Writer out) throws IOException {
        format.write(graph, out);
    }

    /** Prints {@code text} to stdout, or writes it to {@code output} when one is given. */
    static void writeOut(String text, Path output) throws IOException {
        if (output == null) {
            // a terminal may be reading: control characters of argv or file names are escaped (the JSON and
            // Cypher escape, so those stay exact); written to a file, the text is as it is
            System.out.print(TerminalText.lines(text));
            System.out.flush();
        } else {
            AtomicFile.writeString(output, text);
        }
    }

    /** Reads a graph file or fails with one line saying what is wrong with it. */
    static GraphDocument readGraph(Path file) {
        try {
            return GraphJson.read(file);
        } catch (GraphFormatException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
