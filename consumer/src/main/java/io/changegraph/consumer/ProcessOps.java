package io.changegraph.consumer;

import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import java.util.List;
import java.util.Map;

/**
 * Signals (kill, tkill, tgkill) and failed execs (successful ones arrive as {@code cg_exec}).
 *
 * <p>A signal's object is the followed process when the target is one, else a process outside the
 * tree ({@code followed = false}, start time unknown = 0) whose exe is looked up best-effort. Group
 * targets are said in the detail: {@code kill(0, ..)} names the sender's own group (its group id is not
 * tracked) and targets the sender, {@code kill(-1, ..)} targets every process (shown as pid 1),
 * {@code kill(-G, ..)} targets group leader G. tkill names a thread: its tid is taken as the pid (a
 * thread other than the main one then shows as an outside process with that id).
 */
final class ProcessOps implements SyscallHandler.Group {
    private final EventEmitter events;
    private final ProcessTable processes;
    private final ProcessLookup lookup;

    ProcessOps(EventEmitter events, ProcessTable processes, ProcessLookup lookup) {
        this.events = events;
        this.processes = processes;
        this.lookup = lookup;
    }

    @Override
    public void register(Map<Op, SyscallHandler> handlers) {
        handlers.put(Op.KILL, (p, c) -> signal(p, c, c.intArg(0), c.intArg(1)));
        handlers.put(Op.TKILL, (p, c) -> signal(p, c, thread(c, c.intArg(0)), c.intArg(1)));
        handlers.put(Op.TGKILL, (p, c) -> signal(p, c, thread(c, c.intArg(0)), c.intArg(2)));
        handlers.put(Op.EXECVE, (p, c) -> failedExec(p, c, c.path1(p)));
        handlers.put(Op.EXECVEAT, (p, c) -> failedExec(p, c, c.path1At(p, 0)));
    }

    /** tkill/tgkill take no groups: a target below 1 is invalid (the call failed with EINVAL). */
    private static int thread(SyscallRecord call, int target) {
        if (target <= 0) {
            throw new DroppedRecordException("signal to no process", call.op() + " to thread " + target
                    + ": no process to name as the object");
        }
        return target;
    }

    private void signal(TrackedProcess process, SyscallRecord call, int target, int signal) {
        if (target == Integer.MIN_VALUE) {
            throw new DroppedRecordException("signal to no process", "kill(" + target + "): no process to name");
        }
        String name = Signals.name(signal);
        ProcessNode object;
        String detail;
        if (target > 0) {
            object = process(target);
            detail = name;
        } else if (target == 0) {
            object = process.node();
            detail = name + " (own process group)";
        } else if (target == -1) {
            object = process(1);
            detail = name + " (all processes)";
        } else {
            object = process(-target);
            detail = name + " (process group)";
        }
        events.once(call.time(), process.node(), Verb.SIGNAL, object, call.failed(), detail);
    }

    private ProcessNode process(int pid) {
        return processes.find(pid).map(TrackedProcess::node).orElseGet(() -> new ProcessNode(pid, 0, 0,
                lookup.exe(pid), List.of(), "", -1, -1, null, null, false, null, null));
    }

    private void failedExec(TrackedProcess process, SyscallRecord call, ResolvedPath path) {
        events.once(call.time(), process.node(), Verb.EXEC, path.ref(call.inode()), call.failed(), null);
    }
}
