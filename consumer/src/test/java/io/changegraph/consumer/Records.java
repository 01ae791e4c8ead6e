package io.changegraph.consumer;

import io.changegraph.repository.model.Event;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds ring-buffer records for tests, through the same layouts the consumer decodes with. */
final class Records {
    static final long BOOT_NS = 1_000_000_000L;
    /** Kernel timestamps in tests are mapped to wall-clock time with this offset: ts 0 = 2026-11-21T20:00:00Z. */
    static final long EPOCH_OFFSET_NS = 1_795_291_200_000_000_000L;

    private Records() {
    }

    /** A consumer whose events go into {@code events} and whose outside processes run {@code /usr/sbin/outside}. */
    static Consumer consumer(List<Event> events) {
        return new Consumer(events::add, EPOCH_OFFSET_NS, pid -> "/usr/sbin/outside");
    }

    /** Seeds a shell, pid {@code pid}, in /home/u with fds 0-2 on the terminal. */
    static void seedShell(Consumer consumer, int pid) {
        consumer.seedProcess(new ProcSnapshot(pid, 1, BOOT_NS, "/bin/bash", List.of("bash"), "/home/u", 1000, 1000,
                Map.of(0, "/dev/pts/0", 1, "/dev/pts/0", 2, "/dev/pts/0")));
    }

    private static MemorySegment record(StructLayout layout, int kind, int tgid, byte[] data) {
        MemorySegment record = MemorySegment.ofArray(new byte[(int) layout.byteSize() + data.length]);
        record.set(ValueLayout.JAVA_LONG_UNALIGNED, WireLayouts.HEADER_TS_NS_AT, 5_000_000_000L);
        record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.HEADER_KIND_AT, kind);
        record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.HEADER_TGID_AT, tgid);
        record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.HEADER_TID_AT, tgid);
        record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.HEADER_SIZE_AT, (int) record.byteSize());
        MemorySegment.copy(data, 0, record, ValueLayout.JAVA_BYTE, layout.byteSize(), data.length);
        return record;
    }

    /** A cg_tcp record of an IPv4 connection with cumulative counters {syn, retransmits, resets rx, resets tx}. */
    static MemorySegment tcp(int tgid, long sk, int event, String ip, int port, int[] counters, int error, int oldState,
                             long bytesAcked) throws Exception {
        MemorySegment r = record(WireLayouts.CG_TCP, WireLayouts.KIND_TCP, tgid, new byte[0]);
        r.set(ValueLayout.JAVA_LONG_UNALIGNED, WireLayouts.TCP_SK_AT, sk);
        r.set(ValueLayout.JAVA_LONG_UNALIGNED, WireLayouts.TCP_BYTES_ACKED_AT, bytesAcked);
        MemorySegment.copy(java.net.InetAddress.getByName(ip).getAddress(), 0, r, ValueLayout.JAVA_BYTE,
                WireLayouts.TCP_DADDR_AT, 4);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.TCP_EVENT_AT, event);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.TCP_SYN_RETRANSMITS_AT, counters[0]);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.TCP_RETRANSMITS_AT, counters[1]);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.TCP_RESETS_RECEIVED_AT, counters[2]);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.TCP_RESETS_SENT_AT, counters[3]);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.TCP_ERROR_AT, error);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.TCP_OLD_STATE_AT, oldState);
        r.set(ValueLayout.JAVA_SHORT_UNALIGNED, WireLayouts.TCP_FAMILY_AT, (short) SockAddrs.AF_INET);
        r.set(ValueLayout.JAVA_SHORT_UNALIGNED, WireLayouts.TCP_DPORT_AT, (short) port);
        return r;
    }

    /** A cg_payload record of an IPv4 socket. */
    static MemorySegment payload(int tgid, int direction, String ip, int port, byte[] data) throws Exception {
        MemorySegment r = record(WireLayouts.CG_PAYLOAD, WireLayouts.KIND_PAYLOAD, tgid, data);
        MemorySegment.copy(java.net.InetAddress.getByName(ip).getAddress(), 0, r, ValueLayout.JAVA_BYTE,
                WireLayouts.PAYLOAD_DADDR_AT, 4);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.PAYLOAD_TOTAL_AT, data.length);
        r.set(ValueLayout.JAVA_SHORT_UNALIGNED, WireLayouts.PAYLOAD_LEN_AT, (short) data.length);
        r.set(ValueLayout.JAVA_SHORT_UNALIGNED, WireLayouts.PAYLOAD_DIRECTION_AT, (short) direction);
        r.set(ValueLayout.JAVA_SHORT_UNALIGNED, WireLayouts.PAYLOAD_FAMILY_AT, (short) SockAddrs.AF_INET);
        r.set(ValueLayout.JAVA_SHORT_UNALIGNED, WireLayouts.PAYLOAD_DPORT_AT, (short) port);
        return r;
    }

    static MemorySegment fork(int parent, int child) {
        MemorySegment record = record(WireLayouts.CG_FORK, WireLayouts.KIND_FORK, parent, new byte[0]);
        record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.FORK_CHILD_TGID_AT, child);
        record.set(ValueLayout.JAVA_LONG_UNALIGNED, WireLayouts.FORK_CHILD_START_NS_AT, BOOT_NS + child);
        record.set(ValueLayout.JAVA_LONG_UNALIGNED, WireLayouts.FORK_PARENT_START_NS_AT, BOOT_NS);
        return record;
    }

    static MemorySegment exec(int tgid, String filename, List<String> args) {
        return exec(tgid, filename, argvBlock(args), argvBlock(args).length, false);
    }

    static MemorySegment exec(int tgid, String filename, byte[] argvBlock, int argsTotal, boolean truncated) {
        return execRaw(tgid, cString(filename), argvBlock, argsTotal, truncated);
    }

    /** An exec with the filename bytes as given (empty: the kernel could not copy it). */
    static MemorySegment execRaw(int tgid, byte[] name, byte[] argvBlock, int argsTotal, boolean truncated) {
        byte[] data = concat(name, argvBlock);
        MemorySegment record = record(WireLayouts.CG_EXEC, WireLayouts.KIND_EXEC, tgid, data);
        record.set(ValueLayout.JAVA_LONG_UNALIGNED, WireLayouts.EXEC_START_NS_AT, BOOT_NS);
        record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.EXEC_UID_AT, 1000);
        record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.EXEC_EUID_AT, 0);
        record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.EXEC_ARGS_TOTAL_AT, argsTotal);
        record.set(ValueLayout.JAVA_SHORT_UNALIGNED, WireLayouts.EXEC_FILENAME_LEN_AT, (short) name.length);
        record.set(ValueLayout.JAVA_SHORT_UNALIGNED, WireLayouts.EXEC_ARGS_LEN_AT, (short) argvBlock.length);
        record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.EXEC_FLAGS_AT, truncated ? WireLayouts.EXEC_ARGS_TRUNCATED : 0);
        return record;
    }

    static MemorySegment exit(int tgid, int status) {
        MemorySegment record = record(WireLayouts.CG_EXIT, WireLayouts.KIND_EXIT, tgid, new byte[0]);
        record.set(ValueLayout.JAVA_LONG_UNALIGNED, WireLayouts.EXIT_START_NS_AT, BOOT_NS);
        record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.EXIT_EXIT_CODE_AT, status);
        return record;
    }

    /** Aggregated I/O: {@code reads} reads of {@code readBytes}, {@code writes} writes of {@code writeBytes}. */
    static MemorySegment io(int tgid, int fd, int mode, long inode, int reads, long readBytes, int writes,
                            long writeBytes) {
        MemorySegment record = record(WireLayouts.CG_IO, WireLayouts.KIND_IO, tgid, new byte[0]);
        record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.IO_FD_AT, fd);
        record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.IO_MODE_AT, mode);
        record.set(ValueLayout.JAVA_LONG_UNALIGNED, WireLayouts.IO_INODE_AT, inode);
        record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.IO_READS_AT, reads);
        record.set(ValueLayout.JAVA_LONG_UNALIGNED, WireLayouts.IO_READ_BYTES_AT, readBytes);
        record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.IO_WRITES_AT, writes);
        record.set(ValueLayout.JAVA_LONG_UNALIGNED, WireLayouts.IO_WRITE_BYTES_AT, writeBytes);
        return record;
    }

    static Syscall syscall(int tgid, Op op) {
        return new Syscall(tgid, op);
    }

    /** A cg_syscall under construction. */
    static final class Syscall {
        private final int tgid;
        private final Op op;
        private long ret;
        private long[] args = new long[6];
        private long inode;
        private int flags;
        private byte[] str1 = new byte[0];
        private byte[] str2 = new byte[0];
        private byte[] addr = new byte[0];

        private Syscall(int tgid, Op op) {
            this.tgid = tgid;
            this.op = op;
        }

        Syscall ret(long value) {
            ret = value;
            return this;
        }

        Syscall args(long... values) {
            System.arraycopy(values, 0, args, 0, values.length);
            return this;
        }

        Syscall str1(String value) {
            str1 = cString(value);
            return this;
        }

        Syscall str2(String value) {
            str2 = cString(value);
            return this;
        }

        Syscall addr(byte[] value) {
            addr = value;
            return this;
        }

        Syscall flags(int value) {
            flags |= value;
            return this;
        }

        Syscall inode(long value) {
            inode = value;
            flags |= WireLayouts.F_INODE_VALID;
            return this;
        }

        MemorySegment build() {
            MemorySegment record = record(WireLayouts.CG_SYSCALL, WireLayouts.KIND_SYSCALL, tgid,
                    concat(concat(str1, str2), addr));
            record.set(ValueLayout.JAVA_LONG_UNALIGNED, WireLayouts.SYSCALL_RET_AT, ret);
            for (int i = 0; i < args.length; i++) {
                record.set(ValueLayout.JAVA_LONG_UNALIGNED, WireLayouts.SYSCALL_ARGS_AT + i * Long.BYTES, args[i]);
            }
            record.set(ValueLayout.JAVA_LONG_UNALIGNED, WireLayouts.SYSCALL_INODE_AT, inode);
            record.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.SYSCALL_OP_AT, op.code());
            record.set(ValueLayout.JAVA_SHORT_UNALIGNED, WireLayouts.SYSCALL_STR1_LEN_AT, (short) str1.length);
            record.set(ValueLayout.JAVA_SHORT_UNALIGNED, WireLayouts.SYSCALL_STR2_LEN_AT, (short) str2.length);
            record.set(ValueLayout.JAVA_SHORT_UNALIGNED, WireLayouts.SYSCALL_ADDR_LEN_AT, (short) addr.length);
            record.set(ValueLayout.JAVA_SHORT_UNALIGNED, WireLayouts.SYSCALL_FLAGS_AT, (short) flags);
            return record;
        }
    }

    static byte[] sockaddrIn(String ip, int port) throws Exception {
        return sockaddr(SockAddrs.AF_INET, port, 4, InetAddress.getByName(ip).getAddress(), 16);
    }

    static byte[] sockaddrIn6(String ip, int port) throws Exception {
        byte[] address = InetAddress.getByName(ip).getAddress();
        if (address.length == 4) {   // Java turns ::ffff:a.b.c.d into IPv4: map it back
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(address, 0, mapped, 12, 4);
            address = mapped;
        }
        return sockaddr(SockAddrs.AF_INET6, port, 8, address, 28);
    }

    private static byte[] sockaddr(int family, int port, int addressOffset, byte[] address, int size) {
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.order(ByteOrder.nativeOrder()).putShort(0, (short) family);
        buffer.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) port);
        buffer.put(addressOffset, address);
        return buffer.array();
    }

    /** sockaddr_un; a name starting with NUL is abstract. */
    static byte[] sockaddrUn(String path) {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(2 + name.length + 1).order(ByteOrder.nativeOrder());
        buffer.putShort((short) SockAddrs.AF_UNIX).put(name);
        return buffer.array();
    }

    static byte[] fdPair(int first, int second) {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(first).putInt(second).array();
    }

    static byte[] argvBlock(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String arg : args) {
            out.writeBytes(cString(arg));
        }
        return out.toByteArray();
    }

    static byte[] cString(String value) {
        return concat(value.getBytes(StandardCharsets.UTF_8), new byte[1]);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** The events of one verb, for assertions. */
    static List<Event> only(List<Event> events, io.changegraph.repository.model.Verb verb) {
        List<Event> matching = new ArrayList<>();
        for (Event event : events) {
            if (event.verb() == verb) {
                matching.add(event);
            }
        }
        return matching;
    }
}
