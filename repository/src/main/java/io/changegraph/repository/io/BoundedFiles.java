package io.changegraph.repository.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads input files within a size limit: regular files only (a FIFO, socket, device or directory is refused by
 * its type, before it is opened, so a FIFO cannot block the reader), the size checked before reading, text as
 * strict UTF-8 (the first bad byte is named). A missing or unreadable file is the usual {@link IOException}
 * ({@code NoSuchFileException}, {@code AccessDeniedException}), so callers keep their own words for those.
 */
public final class BoundedFiles {
    private BoundedFiles() {
    }

    /**
     * The size of {@code file} (symbolic links followed) when it is a regular file of at most {@code maxBytes}.
     *
     * @param what what the file is for the message, e.g. "graph file"
     * @param knob the environment variable that raises the limit
     */
    public static long checkRegular(Path file, String what, long maxBytes, String knob) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new BadInputException(what + " " + file + " is " + kind(attributes) + ", not a regular file: give a file");
        }
        if (attributes.size() > maxBytes) {
            throw tooBig(file, what, maxBytes, knob);
        }
        return attributes.size();
    }

    /** The whole file as strict UTF-8 text, after {@link #checkRegular}. */
    public static String readText(Path file, String what, long maxBytes, String knob) throws IOException {
        checkRegular(file, what, maxBytes, knob);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, maxBytes + 1));
        }
        if (bytes.length > maxBytes) {   // it grew after the check
            throw tooBig(file, what, maxBytes, knob);
        }
        return utf8(bytes, what + " " + file);
    }

    /**
     * The file as a stream, after {@link #checkRegular}; the stream fails with a {@link BadInputException} if the
     * file grows past the limit while it is read.
     */
    public static InputStream open(Path file, String what, long maxBytes, String knob) throws IOException {
        checkRegular(file, what, maxBytes, knob);
        return new FilterInputStream(Files.newInputStream(file)) {
            private long read;

            @Override
            public int read() throws IOException {
                int b = super.read();
                count(b < 0 ? 0 : 1);
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                count(Math.max(n, 0));
                return n;
            }

            private void count(int n) {
                read += n;
                if (read > maxBytes) {
                    throw tooBig(file, what, maxBytes, knob);
                }
            }
        };
    }

    /** Strict UTF-8: a malformed or unmappable byte is a one-line error naming its line and byte offset. */
    public static String utf8(byte[] bytes, String source) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new BadInputException(source + " is not UTF-8 text (line " + line + ", byte " + offset
                    + "): save it as UTF-8");
        }
        out.flip();
        return out.toString();
    }

    static BadInputException tooBig(Path file, String what, long maxBytes, String knob) {
        return new BadInputException(what + " " + file + " is larger than the " + InputLimits.mib(maxBytes) + " limit"
                + " (raise it with " + knob + "=MiB; docs/limits.md)");
    }

    private static String kind(BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a directory";
        }
        if (attributes.isOther()) {
            return "a FIFO, socket or device";
        }
        return "a special file";
    }
}
