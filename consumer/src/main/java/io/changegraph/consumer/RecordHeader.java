package io.changegraph.consumer;

import java.lang.foreign.MemorySegment;

/** The decoded {@code struct cg_header} every record starts with. */
record RecordHeader(long tsNs, int kind, int tgid, int tid, long size) {

    static RecordHeader read(MemorySegment record) {
        return new RecordHeader((long) WireLayouts.HEADER_TS_NS.get(record), (int) WireLayouts.HEADER_KIND.get(record),
                (int) WireLayouts.HEADER_TGID.get(record), (int) WireLayouts.HEADER_TID.get(record),
                WireLayouts.u32(WireLayouts.HEADER_SIZE, record));
    }
}
