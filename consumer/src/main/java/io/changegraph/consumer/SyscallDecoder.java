package io.changegraph.consumer;

import java.lang.foreign.StructLayout;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cg_syscall} (+ str1, str2, addr): decodes the call and hands it to the handler registered for
 * its operation. A failed call ({@code ret} = -errno) is an event with failed = 1 and changes no table.
 */
final class SyscallDecoder implements RecordDecoder {
    private static final int ARGS = 6;

    private final ProcessTable processes;
    private final EventEmitter events;
    private final Map<Op, SyscallHandler> handlers = new EnumMap<>(Op.class);

    SyscallDecoder(ProcessTable processes, EventEmitter events, List<SyscallHandler.Group> groups) {
        this.processes = processes;
        this.events = events;
        groups.forEach(group -> group.register(handlers));
    }

    @Override
    public StructLayout layout() {
        return WireLayouts.CG_SYSCALL;
    }

    @Override
    public void decode(RecordView record, RecordHeader header) {
        long code = record.u32(WireLayouts.SYSCALL_OP_AT);
        Op op = Op.of(code).orElseThrow(() -> new DroppedRecordException("unknown syscall op",
                "syscall record with unknown op " + code));
        SyscallHandler handler = handlers.get(op);
        if (handler == null) {
            throw new DroppedRecordException("unhandled syscall op", "no handler for syscall op " + op);
        }
        int flags = record.u16(WireLayouts.SYSCALL_FLAGS_AT);
        RecordData data = new RecordData(record, WireLayouts.CG_SYSCALL.byteSize());
        String str1 = data.takeString(record.u16(WireLayouts.SYSCALL_STR1_LEN_AT), "str1");
        String str2 = data.takeString(record.u16(WireLayouts.SYSCALL_STR2_LEN_AT), "str2");
        byte[] addr = data.take(record.u16(WireLayouts.SYSCALL_ADDR_LEN_AT), "addr");
        long[] args = new long[ARGS];
        for (int i = 0; i < ARGS; i++) {
            args[i] = record.i64(WireLayouts.SYSCALL_ARGS_AT + i * Long.BYTES);
        }
        long inode = (flags & WireLayouts.F_INODE_VALID) != 0 ? record.i64(WireLayouts.SYSCALL_INODE_AT) : 0;
        SyscallRecord call = new SyscallRecord(events.time(header.tsNs()), op,
                record.i64(WireLayouts.SYSCALL_RET_AT), args, inode, flags, str1, str2, addr);
        handler.handle(processes.get(header.tgid(), 0), call);
    }
}
