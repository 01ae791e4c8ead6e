package io.changegraph.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

/**
 * What tells that a graph file changed: modification time, size and file key (an atomic temp + rename
 * gives a new inode even within the same millisecond and size).
 */
record FileStamp(long modifiedNanos, long size, Object fileKey) {
    static Optional<FileStamp> of(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new FileStamp(attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS),
                    attributes.size(), Objects.requireNonNullElse(attributes.fileKey(), "")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
