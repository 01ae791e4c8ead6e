/**
 * The graph on disk: {@link io.changegraph.repository.formats.GraphJson} ({@code changegraph/v1} JSON,
 * deterministic and lossless; bad input is a {@link io.changegraph.repository.formats.GraphFormatException}
 * with a one-line message), {@link io.changegraph.repository.formats.GraphDeltaFile} (the live viewer's delta
 * sidecar), {@link io.changegraph.repository.formats.GraphExports} (DOT, GraphML, Cypher) and
 * {@link io.changegraph.repository.formats.OutputFormat} (the one list of output formats by name). The reader and
 * the field helpers are package-private.
 */
package io.changegraph.repository.formats;
