package io.changegraph.probes;

import java.lang.foreign.MemorySegment;

/**
 * Receives each ring-buffer record on the polling thread. The segment is valid only during the
 * call (it points into the ring buffer): copy what must outlive it. Must not block for long.
 */
@FunctionalInterface
public interface RecordHandler {
    void onRecord(MemorySegment record);
}
