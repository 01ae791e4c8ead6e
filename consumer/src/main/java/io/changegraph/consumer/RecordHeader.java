package io.changegraph.consumer;

/** The decoded {@code struct cg_header} every record starts with. */
record RecordHeader(long tsNs, int kind, int tgid, int tid, long size) {

    static RecordHeader read(RecordView record) {
        return new RecordHeader(record.i64(WireLayouts.HEADER_TS_NS_AT), record.i32(WireLayouts.HEADER_KIND_AT),
                record.i32(WireLayouts.HEADER_TGID_AT), record.i32(WireLayouts.HEADER_TID_AT),
                record.u32(WireLayouts.HEADER_SIZE_AT));
    }
}
