package io.changegraph.repository.store;

import io.changegraph.repository.model.Event;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * A session's append-only journal: one {@link EventJson} line per event. {@link #append} only buffers in
 * memory; {@link #flush} writes the buffer to the file (the caller calls it at least once a second and at
 * the end). A flush that fails (disk full) keeps exactly the bytes not yet written and retries them on the
 * next flush, so nothing is duplicated or lost while memory allows ({@link #MAX_PENDING_BYTES}); beyond it,
 * new events are counted in {@link #droppedEvents()} instead of kept. Not thread-safe: one owner.
 */
public final class Journal implements AutoCloseable {
    /** Events waiting for a full disk beyond this are dropped (and counted), not kept in memory. */
    public static final int MAX_PENDING_BYTES = 64 << 20;

    private final Path file;
    private final FileChannel channel;
    private final long repairedBytes;
    private StringBuilder pending = new StringBuilder();
    private ByteBuffer unwritten;
    private long droppedEvents;

    private Journal(Path file, FileChannel channel, long repairedBytes) {
        this.file = file;
        this.channel = channel;
        this.repairedBytes = repairedBytes;
    }

    /**
     * Opens (or creates, mode 0600 via the directory's permissions) a journal for appending. A torn last
     * line (a write cut short by a crash) is cut off first, so new lines never follow a fragment;
     * {@link #repairedBytes()} says how many bytes that removed.
     */
    public static Journal open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            long size = channel.size();
            long keep = completeLength(channel, size);
            if (keep < size) {
                channel.truncate(keep);
            }
            channel.position(keep);
            return new Journal(file, channel, size - keep);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** The length of the file up to and including its last newline. */
    private static long completeLength(FileChannel channel, long size) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        for (long at = size - 1; at >= 0; at--) {
            one.clear();
            channel.read(one, at);
            if (one.get(0) == '\n') {
                return at + 1;
            }
        }
        return 0;
    }

    public Path file() {
        return file;
    }

    /** Bytes of a torn last line cut off when the journal was opened (0 when it was whole). */
    public long repairedBytes() {
        return repairedBytes;
    }

    public void append(Event event) {
        if (pending.length() + (unwritten == null ? 0 : unwritten.remaining()) > MAX_PENDING_BYTES) {
            droppedEvents++;
            return;
        }
        pending.append(EventJson.toLine(event)).append('\n');
    }

    /** Events not journaled because too much was already waiting for a full disk. */
    public long droppedEvents() {
        return droppedEvents;
    }

    /** Bytes (characters, for lines not yet encoded) appended but not yet in the file. */
    public long pendingBytes() {
        return pending.length() + (unwritten == null ? 0 : unwritten.remaining());
    }

    /** Writes everything appended so far; on failure what was not written is kept for the next flush. */
    public void flush() throws IOException {
        if (unwritten == null || !unwritten.hasRemaining()) {
            if (pending.isEmpty()) {
                return;
            }
            unwritten = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(pending));
            pending = new StringBuilder();
        }
        while (unwritten.hasRemaining()) {
            channel.write(unwritten);
        }
        unwritten = null;
        if (!pending.isEmpty()) {
            flush();
        }
    }

    /** Forces the written lines to the disk (fsync); a crash of the host then loses nothing flushed. */
    public void sync() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** What reading a journal found besides its events. */
    public record ReplayResult(long events, long skippedLines, boolean tornTail, String firstProblem) {
        /** One line for the log, or null when the journal was clean. */
        public String warning(Path file) {
            if (skippedLines == 0) {
                return null;
            }
            return (tornTail ? "torn last record (a write cut short by a crash) ignored" : skippedLines
                    + " unreadable line(s) skipped") + " in " + file + ": " + firstProblem;
        }
    }

    /**
     * Replays every complete event of {@code file} into {@code sink}, in order. A last line without its
     * newline, or one that does not parse, is a torn tail: skipped. Unreadable lines elsewhere are skipped
     * and counted too (the rest of the journal is still good). A missing file has no events.
     */
    public static ReplayResult replay(Path file, Consumer<Event> sink) throws IOException {
        long events = 0;
        long skipped = 0;
        boolean torn = false;
        String problem = null;
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new ReplayResult(0, 0, false, null);
        }
        boolean endsWithNewline = bytes.length == 0 || bytes[bytes.length - 1] == '\n';
        try (BufferedReader reader = new BufferedReader(new java.io.StringReader(
                new String(bytes, StandardCharsets.UTF_8)))) {
            String line = reader.readLine();
            int number = 0;
            while (line != null) {
                number++;
                String next = reader.readLine();
                boolean last = next == null;
                if (!line.isBlank()) {
                    try {
                        if (last && !endsWithNewline) {
                            throw new JournalFormatException("line " + number + " has no end (" + line.length()
                                    + " characters)");
                        }
                        sink.accept(EventJson.fromLine(line));
                        events++;
                    } catch (JournalFormatException e) {
                        skipped++;
                        torn = last;
                        if (problem == null) {
                            problem = e.getMessage().startsWith("line ") ? e.getMessage()
                                    : "line " + number + ": " + e.getMessage();
                        }
                    }
                }
                line = next;
            }
        }
        return new ReplayResult(events, skipped, torn && skipped == 1, problem);
    }
}
