package io.changegraph.consumer;

import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import java.lang.foreign.StructLayout;
import java.time.Instant;

/** {@code cg_exit}: decodes the wait(2) status, emits exit, forgets the tgid. */
final class ExitDecoder implements RecordDecoder {
    private final ProcessTable processes;
    private final EventEmitter events;

    ExitDecoder(ProcessTable processes, EventEmitter events) {
        this.processes = processes;
        this.events = events;
    }

    @Override
    public StructLayout layout() {
        return WireLayouts.CG_EXIT;
    }

    @Override
    public void decode(RecordView record, RecordHeader header) {
        int status = record.i32(WireLayouts.EXIT_EXIT_CODE_AT);
        TrackedProcess process = processes.get(header.tgid(), record.i64(WireLayouts.EXIT_START_NS_AT));
        Instant time = events.time(header.tsNs());
        int signal = status & 0x7f;
        ProcessNode exited;
        String detail;
        if (signal != 0) {
            exited = process.node().withExit(null, signal, time);
            detail = "signal " + Signals.name(signal);
        } else {
            int code = (status >> 8) & 0xff;
            exited = process.node().withExit(code, null, time);
            detail = "exit " + code;
        }
        process.update(exited);
        events.once(time, exited, Verb.EXIT, exited, false, detail);
        processes.remove(header.tgid());
    }
}
