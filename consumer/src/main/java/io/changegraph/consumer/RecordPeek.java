package io.changegraph.consumer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A record's header, read without decoding the record ({@link Consumer#peek}): which process it is from, what
 * kind it is, and for a fork the child. For routing records to sessions (the agent) and for tests; nothing
 * outside the consumer reads record offsets.
 *
 * @param size        the size the header declares (the whole record)
 * @param forkedChild the new process of a {@link Kind#FORK} record, else 0
 */
public record RecordPeek(Kind kind, int tgid, int tid, long size, int forkedChild) {
    /** The record kinds of {@code enum cg_kind}; UNKNOWN for a value this consumer does not know. */
    public enum Kind {
        FORK, EXEC, EXIT, SYSCALL, IO, UNKNOWN
    }

    /** Null when the record is shorter than a header (or a fork record shorter than a fork). */
    static RecordPeek of(MemorySegment record) {
        if (record.byteSize() < WireLayouts.CG_HEADER.byteSize()) {
            return null;
        }
        int code = record.get(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.HEADER_KIND_AT);
        Kind kind = switch (code) {
            case WireLayouts.KIND_FORK -> Kind.FORK;
            case WireLayouts.KIND_EXEC -> Kind.EXEC;
            case WireLayouts.KIND_EXIT -> Kind.EXIT;
            case WireLayouts.KIND_SYSCALL -> Kind.SYSCALL;
            case WireLayouts.KIND_IO -> Kind.IO;
            default -> Kind.UNKNOWN;
        };
        int child = 0;
        if (kind == Kind.FORK) {
            if (record.byteSize() < WireLayouts.CG_FORK.byteSize()) {
                return null;
            }
            child = record.get(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.FORK_CHILD_TGID_AT);
        }
        return new RecordPeek(kind, record.get(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.HEADER_TGID_AT),
                record.get(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.HEADER_TID_AT),
                Integer.toUnsignedLong(record.get(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.HEADER_SIZE_AT)), child);
    }
}
