package io.changegraph.web;

import io.changegraph.impact.Impact;
import io.changegraph.impact.NoiseClass;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Summary;
import io.changegraph.repository.store.SessionRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * One version of one served graph file: the parsed document and the file's own {@code changegraph/v1} bytes,
 * which are what the API serves (they parsed, so they are valid; serving them costs no serialisation, and
 * keeps any field a newer writer added).
 */
final class LoadedSession {
    private final String id;
    private final Path file;
    private final GraphDocument document;
    private final long version;
    private final FileStamp stamp;
    private final byte[] json;
    private final SessionRecord record;
    private volatile byte[] gzipped;
    private volatile Summary summary;
    private volatile Map<String, Node> nodesById;

    /** @param record the session store's record of this session when the file is in a store, else null */
    LoadedSession(String id, Path file, GraphDocument document, byte[] json, long version, FileStamp stamp,
                  SessionRecord record) {
        this.id = id;
        this.record = record;
        this.file = file;
        this.document = document;
        this.json = json;
        this.version = version;
        this.stamp = stamp;
    }

    String id() {
        return id;
    }

    Path file() {
        return file;
    }

    GraphDocument document() {
        return document;
    }

    /** Counts reloads of this session from 1; a client holding version n applies the delta n to n+1. */
    long version() {
        return version;
    }

    FileStamp stamp() {
        return stamp;
    }

    /** What the session store knows beyond the graph (SSH client, tty, owner uid, state), when it is from one. */
    Optional<SessionRecord> record() {
        return Optional.ofNullable(record);
    }

    boolean live() {
        return document.session().ended() == null;
    }

    /** The graph file's bytes; callers must not modify them. */
    byte[] json() {
        return json;
    }

    /**
     * The same bytes gzipped, made once per version on first request: compressing a 100,000-edge graph
     * (tens of MB) for every client would cost about half a second each time.
     */
    byte[] jsonGzipped() {
        byte[] bytes = gzipped;
        if (bytes == null) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(json.length / 8);
            try (GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16)) {
                gzip.write(json);
            } catch (IOException e) {
                throw new UncheckedIOException("gzip into memory cannot fail", e);
            }
            bytes = out.toByteArray();
            gzipped = bytes;
        }
        return bytes;
    }

    /** The graph's own summary section, or (older files, live recordings) the summary made from it, once per version. */
    Summary summary() {
        Summary made = summary;
        if (made == null) {
            made = document.summary() != null ? document.summary() : Impact.summarise(document);
            summary = made;
        }
        return made;
    }

    /**
     * The noise class key of an edge ({@code runtime_loading}, {@code failed_lookup}, ...) by the impact layer's
     * stateless rules (its verb, outcome and target), or null.
     */
    String noiseClass(Edge edge) {
        Node target = nodes().get(edge.target());
        Node source = nodes().get(edge.source());
        if (target == null || !(source instanceof ProcessNode process)) {
            return null;
        }
        return Impact.noiseClass(process, edge, target).map(NoiseClass::key).orElse(null);
    }

    private Map<String, Node> nodes() {
        Map<String, Node> made = nodesById;
        if (made == null) {
            Map<String, Node> byId = new HashMap<>();
            document.nodes().forEach(node -> byId.put(node.id(), node));
            made = byId;
            nodesById = made;
        }
        return made;
    }

}
