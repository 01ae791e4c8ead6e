package io.changegraph.repository.formats;

import io.changegraph.repository.model.GraphDocument;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The output formats a graph is written in, each with its writer: the one list ({@code export --format},
 * {@code show --format} and the agent's {@code show} use it). The constants' names are the formats' names.
 */
public enum OutputFormat {
    json(GraphJson::write), dot(GraphExports::dot), graphml(GraphExports::graphml),
    cypher((graph, out) -> out.write(GraphExports.cypher(graph)));

    /** Writes a graph to a writer (streamed: a 200 MB graph is never a second time in memory as text). */
    private interface Writing {
        void write(GraphDocument graph, Writer out) throws IOException;
    }

    private final Writing writer;

    OutputFormat(Writing writer) {
        this.writer = writer;
    }

    /** Writes {@code graph} to {@code out}, streamed. */
    public void write(GraphDocument graph, Writer out) throws IOException {
        writer.write(graph, out);
    }

    /** {@code graph} in this format, as one string. */
    public String render(GraphDocument graph) {
        StringWriter out = new StringWriter();
        try {
            write(graph, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // a StringWriter does not fail
        }
        return out.toString();
    }

    /**
     * The format named {@code name}.
     *
     * @throws IllegalArgumentException for any other name, with a one-line message listing the formats
     */
    public static OutputFormat named(String name) {
        for (OutputFormat format : values()) {
            if (format.name().equals(name)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown format '" + name + "' ("
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")) + ")");
    }
}
