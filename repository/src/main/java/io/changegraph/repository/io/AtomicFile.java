package io.changegraph.repository.io;

import java.io.BufferedOutputStream;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * The one atomic writer: the content goes to a temp file beside the target (mode 0600 unless given), then is
 * renamed over it, so a reader sees the old file or the new one, never half of one. When writing fails (a full
 * disk) the temp file is removed and the target is left as it was.
 */
public final class AtomicFile {
    /** Writes the content to the stream it is given (buffered; closing it is the writer's job). */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes text to the writer it is given. */
    @FunctionalInterface
    public interface TextContent {
        void writeTo(Writer out) throws IOException;
    }

    private AtomicFile() {
    }

    public static void write(Path target, Content content) throws IOException {
        write(target, null, content);
    }

    /** {@code permissions} null: the temp file's own 0600. */
    public static void write(Path target, Set<PosixFilePermission> permissions, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path temp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
                content.writeTo(out);
            }
            if (permissions != null) {
                Files.setPosixFilePermissions(temp, permissions);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** UTF-8 text through a writer. */
    public static void writeText(Path target, TextContent content) throws IOException {
        write(target, null, out -> {
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            content.writeTo(new FilterWriter(writer) {
                @Override
                public void close() throws IOException {   // the file is closed once, by write
                    flush();
                }
            });
            writer.flush();
        });
    }

    public static void writeString(Path target, String text) throws IOException {
        write(target, null, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }
}
