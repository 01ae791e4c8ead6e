package io.changegraph.forward;

import io.changegraph.repository.store.EventJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a session journal (one event per line) from a byte offset, as the hub numbers it: an event's
 * sequence number is its 0-based index among the journal's events, counted the way {@code Journal.replay}
 * counts them: only complete lines (a last line without its newline is still being written or torn), only
 * lines that are events (an unreadable line is skipped, not numbered). Reads the file while the agent
 * appends to it.
 */
final class JournalCursor {
    /** Events read: their lines (JSON objects), and the offset just after the last one. */
    record Batch(List<String> lines, long bytes, long endOffset) {
        boolean isEmpty() {
            return lines.isEmpty();
        }
    }

    private JournalCursor() {
    }

    /**
     * Up to {@code maxEvents} events (and about {@code maxBytes} of their text; at least one) from
     * {@code offset}; an empty batch when there is none (yet).
     */
    static Batch read(Path journal, long offset, int maxEvents, long maxBytes) throws IOException {
        List<String> lines = new ArrayList<>();
        long bytes = 0;
        long at = offset;
        try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.READ);
             InputStream in = Channels.newInputStream(channel.position(offset))) {
            byte[] buffer = new byte[1 << 16];
            int start = 0;
            int end = 0;
            ByteArrayOutputStream carried = new ByteArrayOutputStream();   // a line across buffer refills
            while (lines.size() < maxEvents && (lines.isEmpty() || bytes < maxBytes)) {
                int nl = -1;
                for (int i = start; i < end; i++) {
                    if (buffer[i] == '\n') {
                        nl = i;
                        break;
                    }
                }
                if (nl < 0) {
                    carried.write(buffer, start, end - start);
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;   // what is carried has no newline yet: not an event yet
                    }
                    start = 0;
                    end = n;
                    continue;
                }
                String text;
                int length;
                if (carried.size() > 0) {
                    carried.write(buffer, start, nl - start);
                    length = carried.size();
                    text = carried.toString(StandardCharsets.UTF_8);
                    carried.reset();
                } else {
                    length = nl - start;
                    text = new String(buffer, start, length, StandardCharsets.UTF_8);
                }
                start = nl + 1;
                at += length + 1;
                if (isEvent(text)) {
                    lines.add(text);
                    bytes += length + 1;
                }
            }
        } catch (NoSuchFileException e) {
            return new Batch(List.of(), 0, offset);
        }
        return new Batch(lines, bytes, at);
    }

    /**
     * The offset just after the first {@code seq} events, or -1 when the journal has fewer; with
     * {@code seq == Long.MAX_VALUE}, use {@link #count} instead.
     */
    static long offsetOf(Path journal, long seq) throws IOException {
        if (seq == 0) {
            return 0;
        }
        long[] found = scan(journal, seq);
        return found[0] == seq ? found[1] : -1;
    }

    /** The number of events from {@code offset} to the end of the complete lines. */
    static long count(Path journal, long offset) throws IOException {
        long n = 0;
        while (true) {
            Batch b = read(journal, offset, 5000, Long.MAX_VALUE);
            if (b.isEmpty()) {
                return n;
            }
            n += b.lines().size();
            offset = b.endOffset();
        }
    }

    /** {events counted, offset after them}, stopping after {@code limit} events. */
    private static long[] scan(Path journal, long limit) throws IOException {
        long n = 0;
        long offset = 0;
        while (n < limit) {
            Batch b = read(journal, offset, (int) Math.min(5000, limit - n), Long.MAX_VALUE);
            if (b.isEmpty()) {
                break;
            }
            n += b.lines().size();
            offset = b.endOffset();
        }
        return new long[] {n, offset};
    }

    private static boolean isEvent(String line) {
        if (line.isBlank()) {
            return false;
        }
        try {
            EventJson.fromLine(line);
            return true;
        } catch (RuntimeException e) {   // the store's JournalFormatException: not an event
            return false;
        }
    }
}
