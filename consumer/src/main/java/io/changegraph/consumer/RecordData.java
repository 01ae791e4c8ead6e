package io.changegraph.consumer;

import java.nio.charset.StandardCharsets;

/**
 * Reads a record's variable data (strings, argv, sockaddr) in order, checking every declared length
 * against the record's size so that a bad length is a {@link DroppedRecordException}, never an
 * out-of-bounds read.
 */
final class RecordData {
    private final RecordView record;
    private int offset;

    RecordData(RecordView record, long dataOffset) {
        this.record = record;
        this.offset = (int) dataOffset;
    }

    /** The next {@code length} bytes. */
    byte[] take(int length, String what) {
        check(length, what);
        byte[] bytes = record.copy(offset, length);
        offset += length;
        return bytes;
    }

    /** The next {@code length} bytes as a C string (up to the first NUL); null when length is 0. */
    String takeString(int length, String what) {
        check(length, what);
        String s = length == 0 ? null : record.cString(offset, length);
        offset += length;
        return s;
    }

    private void check(int length, String what) {
        if (length < 0 || (long) offset + length > record.size()) {
            throw new DroppedRecordException("length beyond record size", what + " of " + length
                    + " bytes at offset " + offset + " runs past the record's " + record.size() + " bytes");
        }
    }

    static String cString(byte[] bytes) {
        return cString(bytes, 0, bytes.length);
    }

    /** The C string in {@code length} bytes at {@code offset}: up to the first NUL, UTF-8. */
    static String cString(byte[] bytes, int offset, int length) {
        int end = offset;
        while (end < offset + length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }
}
