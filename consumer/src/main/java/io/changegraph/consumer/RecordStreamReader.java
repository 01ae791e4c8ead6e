package io.changegraph.consumer;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Reads a recorded stream of ring-buffer records (fixtures for replay tests): repeated
 * {@code [u32 little-endian length][length bytes of record]}, up to the end of the stream.
 */
final class RecordStreamReader implements AutoCloseable {
    /** No record is larger than a syscall with two full paths and an address, or an exec with its argv. */
    static final int MAX_RECORD = 64 * 1024;

    private final DataInputStream in;
    private long records;

    RecordStreamReader(InputStream in) {
        this.in = new DataInputStream(in);
    }

    /** The next record, empty at the end of the stream; IOException on a cut or impossible length. */
    Optional<MemorySegment> next() throws IOException {
        byte[] prefix = new byte[Integer.BYTES];
        int first = in.read(prefix, 0, 1);
        if (first < 0) {
            return Optional.empty();
        }
        try {
            in.readFully(prefix, 1, Integer.BYTES - 1);
            long length = Integer.toUnsignedLong(ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getInt());
            if (length > MAX_RECORD) {
                throw new IOException("record " + (records + 1) + " claims " + length + " bytes (at most "
                        + MAX_RECORD + "): not a record stream");
            }
            byte[] record = new byte[(int) length];
            in.readFully(record);
            records++;
            return Optional.of(MemorySegment.ofArray(record));
        } catch (EOFException e) {
            throw new IOException("record stream cut short in record " + (records + 1), e);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
