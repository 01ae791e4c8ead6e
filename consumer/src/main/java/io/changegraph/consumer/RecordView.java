package io.changegraph.consumer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One record copied out of the ring buffer into a heap buffer that is reused for the next one, read at
 * the field offsets of {@link WireLayouts}. One bulk copy per record instead of a segment slice and a
 * var-handle access per field: the poll thread decodes every record, so this is its hottest path.
 * Not thread-safe; a decoder must not keep the view past its call.
 */
final class RecordView {
    private byte[] bytes = new byte[8192];
    private ByteBuffer buffer = wrap(bytes);
    private int size;

    /** Copies {@code record} in; the view's size is the segment's. */
    RecordView load(MemorySegment record) {
        long length = record.byteSize();
        if (length > bytes.length) {
            if (length > RecordStreamReader.MAX_RECORD) {
                throw new DroppedRecordException("record too large", "record of " + length + " bytes (at most "
                        + RecordStreamReader.MAX_RECORD + ")");
            }
            bytes = new byte[(int) length];
            buffer = wrap(bytes);
        }
        MemorySegment.copy(record, ValueLayout.JAVA_BYTE, 0, bytes, 0, (int) length);
        size = (int) length;
        return this;
    }

    /** Narrows the view to the first {@code newSize} bytes (the size the header declares). */
    void limit(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IllegalArgumentException("view of " + size + " bytes cannot grow to " + newSize);
        }
        size = newSize;
    }

    int size() {
        return size;
    }

    long i64(int offset) {
        return buffer.getLong(offset);
    }

    int i32(int offset) {
        return buffer.getInt(offset);
    }

    long u32(int offset) {
        return Integer.toUnsignedLong(buffer.getInt(offset));
    }

    int u16(int offset) {
        return Short.toUnsignedInt(buffer.getShort(offset));
    }

    /** A copy of {@code length} bytes at {@code offset}; the caller has checked them against {@link #size()}. */
    byte[] copy(int offset, int length) {
        return Arrays.copyOfRange(bytes, offset, offset + length);
    }

    /** The C string in {@code length} bytes at {@code offset}: up to the first NUL, UTF-8. */
    String cString(int offset, int length) {
        return RecordData.cString(bytes, offset, length);
    }

    private static ByteBuffer wrap(byte[] array) {
        return ByteBuffer.wrap(array).order(ByteOrder.nativeOrder());
    }
}
