package io.changegraph.consumer;

import java.lang.foreign.StructLayout;

/**
 * Decodes the records of one kind (registered per kind, see {@link Consumer}). A decoder updates the
 * process and fd tables and emits events; it throws {@link DroppedRecordException} for a record it
 * cannot make sense of, before changing any state.
 */
interface RecordDecoder {

    /** The fixed part of the record; a shorter record is malformed. */
    StructLayout layout();

    /**
     * @param record exactly {@code header.size()} bytes, at least {@code layout().byteSize()}
     */
    void decode(RecordView record, RecordHeader header);
}
