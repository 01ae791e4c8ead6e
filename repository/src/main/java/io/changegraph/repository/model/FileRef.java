package io.changegraph.repository.model;

import java.util.Objects;

/**
 * A file as an event names it: an absolute, lexically normalised path.
 *
 * @param inode    the inode when the kernel reported one, else 0
 * @param resolved false when the path could not be resolved (unknown dirfd or fd): then {@code path}
 *                 says what is unknown, e.g. {@code <unresolved fd 7>/name}, and is never a guess
 */
public record FileRef(String path, long inode, boolean resolved) implements ObjectRef {
    public FileRef {
        Objects.requireNonNull(path, "path");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("empty path");
        }
    }

    public static FileRef of(String path) {
        return new FileRef(path, 0, true);
    }
}
