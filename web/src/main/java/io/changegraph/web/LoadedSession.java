package io.changegraph.web;

import io.changegraph.repository.GraphDocument;
import io.changegraph.repository.GraphJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One version of one served graph file. Its {@code changegraph/v1} bytes are made once, on first use, so
 * every client of the same version gets them without serialising again.
 */
final class LoadedSession {
    private final String id;
    private final Path file;
    private final GraphDocument document;
    private final long version;
    private final FileStamp stamp;
    private volatile byte[] json;

    LoadedSession(String id, Path file, GraphDocument document, long version, FileStamp stamp) {
        this.id = id;
        this.file = file;
        this.document = document;
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

    boolean live() {
        return document.session().ended() == null;
    }

    byte[] json() {
        byte[] bytes = json;
        if (bytes == null) {
            bytes = GraphJson.toJson(document).getBytes(StandardCharsets.UTF_8);
            json = bytes;
        }
        return bytes;
    }
}
