package io.changegraph.repository.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A process, identified by pid plus start time (boot-clock ns) so that a reused pid is a new node.
 * Attributes are the latest known: exe/argv of the last exec, exit status once it exited.
 *
 * @param exitCode   exit status (0-255) when it exited normally, else null
 * @param exitSignal the signal number that killed it, else null
 * @param followed   false for a process outside the followed tree (e.g. the target of a signal)
 */
public record ProcessNode(int pid, long startNs, int ppid, String exe, List<String> argv, String cwd,
                          int uid, int euid, Integer exitCode, Integer exitSignal, boolean followed,
                          Instant started, Instant ended) implements Node, ObjectRef {
    public ProcessNode {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive: " + pid);
        }
        argv = argv == null ? List.of() : List.copyOf(argv);
        exe = Objects.requireNonNullElse(exe, "");
        cwd = Objects.requireNonNullElse(cwd, "");
    }

    @Override
    public String id() {
        return Ids.process(pid, startNs);
    }

    @Override
    public String kind() {
        return "process";
    }

    public ProcessNode withExec(String newExe, List<String> newArgv, int newUid, int newEuid) {
        return new ProcessNode(pid, startNs, ppid, newExe, newArgv, cwd, newUid, newEuid, exitCode, exitSignal,
                followed, started, ended);
    }

    public ProcessNode withCwd(String newCwd) {
        return new ProcessNode(pid, startNs, ppid, exe, argv, newCwd, uid, euid, exitCode, exitSignal,
                followed, started, ended);
    }

    public ProcessNode withFollowed(boolean nowFollowed) {
        return new ProcessNode(pid, startNs, ppid, exe, argv, cwd, uid, euid, exitCode, exitSignal,
                nowFollowed, started, ended);
    }

    public ProcessNode withExit(Integer code, Integer signal, Instant at) {
        return new ProcessNode(pid, startNs, ppid, exe, argv, cwd, uid, euid, code, signal, followed, started, at);
    }
}
