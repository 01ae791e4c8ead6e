package io.changegraph.controller;

import io.changegraph.repository.GraphDocument;
import io.changegraph.repository.GraphExports;
import io.changegraph.repository.GraphFormatException;
import io.changegraph.repository.GraphJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Converts a graph file to DOT, GraphML, Cypher (Neo4j) or canonical JSON.",
        footer = {"", "Example: changegraph export change.json --format cypher -o change.cypher"})
final class ExportCommand implements Callable<Integer> {
    /** The output formats, each with its writer: the one list ({@code export}, {@code show} and the agent use it). */
    enum Format {
        json(GraphJson::toJson), dot(GraphExports::dot), graphml(GraphExports::graphml), cypher(GraphExports::cypher);

        private final java.util.function.Function<GraphDocument, String> writer;

        Format(java.util.function.Function<GraphDocument, String> writer) {
            this.writer = writer;
        }

        String render(GraphDocument graph) {
            return writer.apply(graph);
        }

        /** The format named {@code name}; a UsageException listing the formats for any other name. */
        static Format named(String name) {
            for (Format format : values()) {
                if (format.name().equals(name)) {
                    return format;
                }
            }
            throw new UsageException("unknown format '" + name + "' (" + java.util.Arrays.stream(values())
                    .map(Enum::name).collect(java.util.stream.Collectors.joining(", ")) + ")");
        }
    }

    @Parameters(paramLabel = "GRAPH.json", description = "a changegraph/v1 graph file")
    Path input;

    @Option(names = {"-f", "--format"}, defaultValue = "dot", description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write here instead of stdout")
    Path output;

    @Override
    public Integer call() throws IOException {
        GraphDocument graph = readGraph(input);
        String text = format.render(graph);
        writeOut(text, output);
        return ExitCodes.OK;
    }

    /** Prints {@code text} to stdout, or writes it to {@code output} when one is given. */
    static void writeOut(String text, Path output) throws IOException {
        if (output == null) {
            System.out.print(text);
            System.out.flush();
        } else {
            Files.writeString(output, text);
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
