package io.changegraph.repository.model;

import java.util.List;
import java.util.Objects;

/**
 * A file, keyed by the first path it was seen under. A rename moves the node: {@code path} is the
 * latest path and {@code paths} every path it had, in order. So {@code sed -i} reads as: the original
 * file read, then a temp file created, written and renamed over it (the temp node ends with the
 * original's path, the original node is marked {@code replaced}).
 */
public record FileNode(String id, String path, List<String> paths, long inode, boolean resolved,
                       boolean replaced) implements Node {
    public FileNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(path, "path");
        paths = List.copyOf(paths);
        if (paths.isEmpty() || !paths.getLast().equals(path)) {
            throw new IllegalArgumentException("paths must end with the latest path " + path + ": " + paths);
        }
    }

    @Override
    public String kind() {
        return "file";
    }
}
