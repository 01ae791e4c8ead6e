package io.changegraph.consumer;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Java mirrors of the ring-buffer records in {@code probes/src/main/c/changegraph.h}, field for field
 * and under the C names, so that {@code WireLayoutsTest} can compare every offset and size with the
 * structs as compiled (the BTF of the built {@code changegraph.bpf.o}). Only the consumer reads record
 * offsets; others peek at a record's header through {@link Consumer#peek}. Values are native-endian (the records never leave the host that wrote them).
 *
 * <p>Value layouts are unaligned: ring-buffer samples are 8-byte aligned, but replayed fixtures and
 * tests read records out of plain byte arrays.
 */
final class WireLayouts {
    static final int CG_PATH_MAX = 4096;
    static final int CG_ARGS_MAX = 8192;
    static final int CG_ADDR_MAX = 128;

    static final int KIND_FORK = 1;
    static final int KIND_EXEC = 2;
    static final int KIND_EXIT = 3;
    static final int KIND_SYSCALL = 4;
    static final int KIND_IO = 5;
    static final int KIND_TCP = 6;
    static final int KIND_PAYLOAD = 7;

    static final int TCP_CONNECTING = 1;
    static final int TCP_ESTABLISHED = 2;
    static final int TCP_CLOSED = 3;
    static final int TCP_RESET_SENT = 4;
    static final int PAYLOAD_FIRST_SEND = 1;
    static final int PAYLOAD_DNS = 2;

    static final int F_STR1_TRUNCATED = 0x1;
    static final int F_STR2_TRUNCATED = 0x2;
    static final int F_INODE_VALID = 0x4;
    static final int EXEC_ARGS_TRUNCATED = 0x1;

    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final MemoryLayout DADDR = MemoryLayout.sequenceLayout(16, ValueLayout.JAVA_BYTE);

    static final StructLayout CG_HEADER = MemoryLayout.structLayout(
            U64.withName("ts_ns"),
            U32.withName("kind"),
            U32.withName("tgid"),
            U32.withName("tid"),
            U32.withName("size")).withName("cg_header");

    static final StructLayout CG_FORK = MemoryLayout.structLayout(
            CG_HEADER.withName("h"),
            U64.withName("child_start_ns"),
            U64.withName("parent_start_ns"),
            U32.withName("child_tgid"),
            U32.withName("clone_flags_low")).withName("cg_fork");

    static final StructLayout CG_EXEC = MemoryLayout.structLayout(
            CG_HEADER.withName("h"),
            U64.withName("start_ns"),
            U32.withName("uid"),
            U32.withName("euid"),
            U32.withName("gid"),
            U32.withName("egid"),
            U32.withName("args_total"),
            U16.withName("filename_len"),
            U16.withName("args_len"),
            U32.withName("flags"),
            U32.withName("reserved")).withName("cg_exec");

    static final StructLayout CG_EXIT = MemoryLayout.structLayout(
            CG_HEADER.withName("h"),
            U64.withName("start_ns"),
            U32.withName("exit_code"),
            U32.withName("reserved")).withName("cg_exit");

    static final StructLayout CG_SYSCALL = MemoryLayout.structLayout(
            CG_HEADER.withName("h"),
            U64.withName("ret"),
            MemoryLayout.sequenceLayout(6, U64).withName("args"),
            U64.withName("inode"),
            U32.withName("op"),
            U32.withName("dev"),
            U16.withName("str1_len"),
            U16.withName("str2_len"),
            U16.withName("addr_len"),
            U16.withName("flags")).withName("cg_syscall");

    static final StructLayout CG_IO_COUNTS = MemoryLayout.structLayout(
            U64.withName("read_bytes"),
            U64.withName("write_bytes"),
            U64.withName("inode"),
            U32.withName("reads"),
            U32.withName("writes"),
            U32.withName("read_failed"),
            U32.withName("write_failed"),
            U32.withName("fd"),
            U32.withName("dev"),
            U32.withName("mode"),
            U32.withName("reserved")).withName("cg_io_counts");

    static final StructLayout CG_IO = MemoryLayout.structLayout(
            CG_HEADER.withName("h"),
            CG_IO_COUNTS.withName("c")).withName("cg_io");

    static final StructLayout CG_TCP = MemoryLayout.structLayout(
            CG_HEADER.withName("h"),
            U64.withName("sk"),
            U64.withName("bytes_acked"),
            U64.withName("bytes_received"),
            DADDR.withName("daddr"),
            U32.withName("event"),
            U32.withName("syn_retransmits"),
            U32.withName("retransmits"),
            U32.withName("resets_received"),
            U32.withName("resets_sent"),
            U32.withName("error"),
            U32.withName("old_state"),
            U16.withName("family"),
            U16.withName("dport")).withName("cg_tcp");

    static final StructLayout CG_PAYLOAD = MemoryLayout.structLayout(
            CG_HEADER.withName("h"),
            U64.withName("sk"),
            DADDR.withName("daddr"),
            U32.withName("fd"),
            U32.withName("total"),
            U16.withName("len"),
            U16.withName("direction"),
            U16.withName("family"),
            U16.withName("dport")).withName("cg_payload");

    /** Every record layout, named as the C struct. */
    static final List<StructLayout> ALL = List.of(CG_HEADER, CG_FORK, CG_EXEC, CG_EXIT, CG_SYSCALL, CG_IO_COUNTS, CG_IO,
            CG_TCP, CG_PAYLOAD);

    // field offsets, read by the decoders through RecordView; every record starts with the header
    static final int HEADER_TS_NS_AT = at(CG_HEADER, "ts_ns");
    static final int HEADER_KIND_AT = at(CG_HEADER, "kind");
    static final int HEADER_TGID_AT = at(CG_HEADER, "tgid");
    static final int HEADER_TID_AT = at(CG_HEADER, "tid");
    static final int HEADER_SIZE_AT = at(CG_HEADER, "size");

    static final int FORK_CHILD_START_NS_AT = at(CG_FORK, "child_start_ns");
    static final int FORK_PARENT_START_NS_AT = at(CG_FORK, "parent_start_ns");
    static final int FORK_CHILD_TGID_AT = at(CG_FORK, "child_tgid");

    static final int EXEC_START_NS_AT = at(CG_EXEC, "start_ns");
    static final int EXEC_UID_AT = at(CG_EXEC, "uid");
    static final int EXEC_EUID_AT = at(CG_EXEC, "euid");
    static final int EXEC_ARGS_TOTAL_AT = at(CG_EXEC, "args_total");
    static final int EXEC_FILENAME_LEN_AT = at(CG_EXEC, "filename_len");
    static final int EXEC_ARGS_LEN_AT = at(CG_EXEC, "args_len");
    static final int EXEC_FLAGS_AT = at(CG_EXEC, "flags");

    static final int EXIT_START_NS_AT = at(CG_EXIT, "start_ns");
    static final int EXIT_EXIT_CODE_AT = at(CG_EXIT, "exit_code");

    static final int SYSCALL_RET_AT = at(CG_SYSCALL, "ret");
    static final int SYSCALL_ARGS_AT = at(CG_SYSCALL, "args");
    static final int SYSCALL_INODE_AT = at(CG_SYSCALL, "inode");
    static final int SYSCALL_OP_AT = at(CG_SYSCALL, "op");
    static final int SYSCALL_STR1_LEN_AT = at(CG_SYSCALL, "str1_len");
    static final int SYSCALL_STR2_LEN_AT = at(CG_SYSCALL, "str2_len");
    static final int SYSCALL_ADDR_LEN_AT = at(CG_SYSCALL, "addr_len");
    static final int SYSCALL_FLAGS_AT = at(CG_SYSCALL, "flags");

    static final int IO_READ_BYTES_AT = at(CG_IO, "c") + at(CG_IO_COUNTS, "read_bytes");
    static final int IO_WRITE_BYTES_AT = at(CG_IO, "c") + at(CG_IO_COUNTS, "write_bytes");
    static final int IO_INODE_AT = at(CG_IO, "c") + at(CG_IO_COUNTS, "inode");
    static final int IO_READS_AT = at(CG_IO, "c") + at(CG_IO_COUNTS, "reads");
    static final int IO_WRITES_AT = at(CG_IO, "c") + at(CG_IO_COUNTS, "writes");
    static final int IO_READ_FAILED_AT = at(CG_IO, "c") + at(CG_IO_COUNTS, "read_failed");
    static final int IO_WRITE_FAILED_AT = at(CG_IO, "c") + at(CG_IO_COUNTS, "write_failed");
    static final int IO_FD_AT = at(CG_IO, "c") + at(CG_IO_COUNTS, "fd");
    static final int IO_MODE_AT = at(CG_IO, "c") + at(CG_IO_COUNTS, "mode");

    static final int TCP_SK_AT = at(CG_TCP, "sk");
    static final int TCP_BYTES_ACKED_AT = at(CG_TCP, "bytes_acked");
    static final int TCP_BYTES_RECEIVED_AT = at(CG_TCP, "bytes_received");
    static final int TCP_DADDR_AT = at(CG_TCP, "daddr");
    static final int TCP_EVENT_AT = at(CG_TCP, "event");
    static final int TCP_SYN_RETRANSMITS_AT = at(CG_TCP, "syn_retransmits");
    static final int TCP_RETRANSMITS_AT = at(CG_TCP, "retransmits");
    static final int TCP_RESETS_RECEIVED_AT = at(CG_TCP, "resets_received");
    static final int TCP_RESETS_SENT_AT = at(CG_TCP, "resets_sent");
    static final int TCP_ERROR_AT = at(CG_TCP, "error");
    static final int TCP_OLD_STATE_AT = at(CG_TCP, "old_state");
    static final int TCP_FAMILY_AT = at(CG_TCP, "family");
    static final int TCP_DPORT_AT = at(CG_TCP, "dport");

    static final int PAYLOAD_SK_AT = at(CG_PAYLOAD, "sk");
    static final int PAYLOAD_DADDR_AT = at(CG_PAYLOAD, "daddr");
    static final int PAYLOAD_TOTAL_AT = at(CG_PAYLOAD, "total");
    static final int PAYLOAD_LEN_AT = at(CG_PAYLOAD, "len");
    static final int PAYLOAD_DIRECTION_AT = at(CG_PAYLOAD, "direction");
    static final int PAYLOAD_FAMILY_AT = at(CG_PAYLOAD, "family");
    static final int PAYLOAD_DPORT_AT = at(CG_PAYLOAD, "dport");

    private WireLayouts() {
    }

    /** The byte offset of one top-level field. */
    static int at(StructLayout struct, String name) {
        return Math.toIntExact(struct.byteOffset(groupElement(name)));
    }
}
