package io.changegraph.consumer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Reads a record's variable data (strings, argv, sockaddr) in order, checking every declared length
 * against the record's size so that a bad length is a {@link DroppedRecordException}, never an
 * out-of-bounds read.
 */
final class RecordData {
    private final MemorySegment record;
    private long offset;

    RecordData(MemorySegment record, long dataOffset) {
        this.record = record;
        this.offset = dataOffset;
    }

    /** The next {@code length} bytes. */
    byte[] take(int length, String what) {
        if (length < 0 || offset + length > record.byteSize()) {
            throw new DroppedRecordException("length beyond record size", what + " of " + length
                    + " bytes at offset " + offset + " runs past the record's " + record.byteSize() + " bytes");
        }
        byte[] bytes = record.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        offset += length;
        return bytes;
    }

    /** The next {@code length} bytes as a C string (up to the first NUL); null when length is 0. */
    String takeString(int length, String what) {
        byte[] bytes = take(length, what);
        return length == 0 ? null : cString(bytes);
    }

    static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
