package io.changegraph.consumer;

import io.changegraph.repository.model.RemoteNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A process as /proc showed it when following started (see {@link Consumer#readProc}).
 *
 * @param startNs     start time in boot-clock ns (the same clock as the kernel records)
 * @param exe         the executable's path, "" when unreadable
 * @param cwd         the working directory, "" when unreadable (then relative paths are unresolved)
 * @param fds         fd number to what {@code readlink /proc/PID/fd/N} showed
 * @param cloexecFds  the fds with close-on-exec set (from /proc/PID/fdinfo)
 * @param socketPeers for connected IPv4/IPv6 socket fds: the other end (from /proc/PID/net)
 */
public record ProcSnapshot(int pid, int ppid, long startNs, String exe, List<String> argv, String cwd, int uid,
                           int euid, Map<Integer, String> fds, Set<Integer> cloexecFds,
                           Map<Integer, RemoteNode> socketPeers) {
    public ProcSnapshot {
        if (pid <= 0 || ppid < 0 || startNs < 0) {
            throw new IllegalArgumentException("impossible process pid=" + pid + " ppid=" + ppid
                    + " startNs=" + startNs);
        }
        exe = Objects.requireNonNullElse(exe, "");
        cwd = Objects.requireNonNullElse(cwd, "");
        argv = argv == null ? List.of() : List.copyOf(argv);
        fds = fds == null ? Map.of() : Map.copyOf(fds);
        cloexecFds = cloexecFds == null ? Set.of() : Set.copyOf(cloexecFds);
        socketPeers = socketPeers == null ? Map.of() : Map.copyOf(socketPeers);
    }

    /** Without close-on-exec and socket information: no fd is close-on-exec, no socket has a known peer. */
    public ProcSnapshot(int pid, int ppid, long startNs, String exe, List<String> argv, String cwd, int uid,
                        int euid, Map<Integer, String> fds) {
        this(pid, ppid, startNs, exe, argv, cwd, uid, euid, fds, Set.of(), Map.of());
    }
}
