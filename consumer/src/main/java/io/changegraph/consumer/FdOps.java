package io.changegraph.consumer;

import java.util.Map;

/**
 * Operations that only change the fd table or the cwd, and emit nothing: chdir, fchdir, close,
 * close_range, dup*, fcntl, pipe, socket, socketpair. A failed call changes nothing.
 */
final class FdOps implements SyscallHandler.Group {
    static final int CLOSE_RANGE_CLOEXEC = 4;
    static final int F_DUPFD = 0;
    static final int F_SETFD = 2;
    static final int F_DUPFD_CLOEXEC = 1030;
    static final int FD_CLOEXEC = 1;
    /** SOCK_CLOEXEC == O_CLOEXEC; pipe2's flags take O_CLOEXEC too. */
    static final int CLOEXEC_FLAG = FileOps.O_CLOEXEC;

    @Override
    public void register(Map<Op, SyscallHandler> handlers) {
        handlers.put(Op.CHDIR, ifOk((p, c) -> p.chdir(c.path1(p))));
        handlers.put(Op.FCHDIR, ifOk((p, c) -> p.chdir(p.fds().get(c.intArg(0))
                .filter(e -> e.kind() == FdEntry.Kind.FILE).map(FdEntry::path)
                .orElse(ResolvedPath.unresolved("cwd")))));
        handlers.put(Op.CLOSE, ifOk((p, c) -> p.fds().close(c.intArg(0))));
        handlers.put(Op.CLOSE_RANGE, ifOk((p, c) -> p.fds().closeRange(unsigned(c.arg(0)), unsigned(c.arg(1)),
                (c.arg(2) & CLOSE_RANGE_CLOEXEC) != 0)));
        handlers.put(Op.DUP, ifOk((p, c) -> p.fds().dup(c.intArg(0), c.retFd(), false)));
        handlers.put(Op.DUP2, ifOk((p, c) -> {
            if (c.intArg(0) != c.intArg(1)) {   // dup2(fd, fd) changes nothing, not even close-on-exec
                p.fds().dup(c.intArg(0), c.intArg(1), false);
            }
        }));
        handlers.put(Op.DUP3, ifOk((p, c) -> p.fds().dup(c.intArg(0), c.intArg(1), cloexec(c.arg(2)))));
        handlers.put(Op.FCNTL, ifOk(FdOps::fcntl));
        // pipe() has no flags argument: args[1] is then whatever the register held (pipes emit nothing)
        handlers.put(Op.PIPE, ifOk((p, c) -> {
            for (int fd : c.fdPair()) {
                p.fds().put(fd, FdEntry.pipe(cloexec(c.arg(1))));
            }
        }));
        handlers.put(Op.SOCKET, ifOk((p, c) -> p.fds().put(c.retFd(), FdEntry.socket(cloexec(c.arg(1))))));
        handlers.put(Op.SOCKETPAIR, ifOk((p, c) -> {
            for (int fd : c.fdPair()) {
                p.fds().put(fd, FdEntry.socket(cloexec(c.arg(1))));
            }
        }));
    }

    private static void fcntl(TrackedProcess process, SyscallRecord call) {
        int fd = call.intArg(0);
        switch (call.intArg(1)) {
            case F_DUPFD -> process.fds().dup(fd, call.retFd(), false);
            case F_DUPFD_CLOEXEC -> process.fds().dup(fd, call.retFd(), true);
            case F_SETFD -> process.fds().setCloexec(fd, (call.arg(2) & FD_CLOEXEC) != 0);
            default -> { }  // other commands do not change what the fd refers to
        }
    }

    private static SyscallHandler ifOk(SyscallHandler handler) {
        return (process, call) -> {
            if (!call.failed()) {
                handler.handle(process, call);
            }
        };
    }

    private static boolean cloexec(long flags) {
        return (flags & CLOEXEC_FLAG) != 0;
    }

    private static long unsigned(long fdArg) {
        return fdArg & 0xffff_ffffL;
    }
}
