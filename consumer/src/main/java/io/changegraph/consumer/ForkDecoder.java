package io.changegraph.consumer;

import io.changegraph.repository.model.Verb;
import java.lang.foreign.StructLayout;
import java.time.Instant;

/** {@code cg_fork}: the child inherits exe, argv, cwd, uids and a copy of the fd table; parent spawns child. */
final class ForkDecoder implements RecordDecoder {
    private final ProcessTable processes;
    private final EventEmitter events;

    ForkDecoder(ProcessTable processes, EventEmitter events) {
        this.processes = processes;
        this.events = events;
    }

    @Override
    public StructLayout layout() {
        return WireLayouts.CG_FORK;
    }

    @Override
    public void decode(RecordView record, RecordHeader header) {
        int childTgid = record.i32(WireLayouts.FORK_CHILD_TGID_AT);
        if (childTgid <= 0) {
            throw new DroppedRecordException("bad fork record", "fork record with child tgid " + childTgid);
        }
        long childStartNs = record.i64(WireLayouts.FORK_CHILD_START_NS_AT);
        TrackedProcess parent = processes.get(header.tgid(), record.i64(WireLayouts.FORK_PARENT_START_NS_AT));
        Instant time = events.time(header.tsNs());
        TrackedProcess child = processes.fork(parent, childTgid, childStartNs, time);
        events.once(time, parent.node(), Verb.SPAWN, child.node(), false, null);
    }
}
