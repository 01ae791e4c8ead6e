package io.changegraph.consumer;

import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cg_exec} (+ filename, then the NUL-separated argv block): the process gets its new exe and
 * argv, close-on-exec fds are closed, and it execs the file.
 *
 * <p>Arguments are kept readable, and cuts are visible: an argument over {@value #ARG_MAX_CHARS}
 * characters is cut there and ends in {@code …[+N bytes]}; when the kernel kept only part of the argv
 * block (or could not copy it), the partial last argument ends in {@code …[truncated]} and a final
 * element {@code …[+M bytes of arguments not captured]} follows.
 */
final class ExecDecoder implements RecordDecoder {
    static final int ARG_MAX_CHARS = 1024;

    private final ProcessTable processes;
    private final EventEmitter events;

    ExecDecoder(ProcessTable processes, EventEmitter events) {
        this.processes = processes;
        this.events = events;
    }

    @Override
    public StructLayout layout() {
        return WireLayouts.CG_EXEC;
    }

    @Override
    public void decode(RecordView record, RecordHeader header) {
        RecordData data = new RecordData(record, WireLayouts.CG_EXEC.byteSize());
        String filename = data.takeString(record.u16(WireLayouts.EXEC_FILENAME_LEN_AT), "exec filename");
        byte[] args = data.take(record.u16(WireLayouts.EXEC_ARGS_LEN_AT), "exec argv block");
        long missing = record.u32(WireLayouts.EXEC_ARGS_TOTAL_AT) - args.length;
        // the flag says the kernel cut the block; a shorter block without it means the copy failed
        boolean truncated = (record.u32(WireLayouts.EXEC_FLAGS_AT) & WireLayouts.EXEC_ARGS_TRUNCATED) != 0
                || missing > 0;
        List<String> argv = argv(args, truncated, Math.max(missing, 0));

        TrackedProcess process = processes.get(header.tgid(), record.i64(WireLayouts.EXEC_START_NS_AT));
        // the exec happened even when the kernel could not copy the filename: apply it, say what is unknown
        ResolvedPath exe = filename == null || filename.isEmpty() ? ResolvedPath.unresolved("exe")
                : process.resolve(filename);
        process.fds().closeOnExec();
        ProcessNode execed = process.node().withExec(exe.path(), argv, record.i32(WireLayouts.EXEC_UID_AT),
                record.i32(WireLayouts.EXEC_EUID_AT));
        process.update(execed);
        Instant time = events.time(header.tsNs());
        events.once(time, execed, Verb.EXEC, exe.ref(0), false, null);
    }

    static List<String> argv(byte[] block, boolean truncated, long missingBytes) {
        List<String> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= block.length; i++) {
            if (i == block.length || block[i] == 0) {
                if (i > start || i < block.length) {
                    args.add(capped(new String(block, start, i - start, StandardCharsets.UTF_8)));
                }
                start = i + 1;
            }
        }
        if (truncated) {
            if (!args.isEmpty()) {
                args.set(args.size() - 1, args.getLast() + ResolvedPath.TRUNCATED_MARKER);
            }
            args.add("…[+" + missingBytes + " bytes of arguments not captured]");
        }
        return args;
    }

    private static String capped(String arg) {
        if (arg.length() <= ARG_MAX_CHARS) {
            return arg;
        }
        int cut = Character.isHighSurrogate(arg.charAt(ARG_MAX_CHARS - 1)) ? ARG_MAX_CHARS - 1 : ARG_MAX_CHARS;
        int rest = arg.substring(cut).getBytes(StandardCharsets.UTF_8).length;
        return arg.substring(0, cut) + "…[+" + rest + " bytes]";
    }
}
