package io.changegraph.consumer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;

/**
 * A decoded {@code cg_syscall}: the call's raw arguments and return value plus its strings.
 *
 * @param str1  the call's first path argument, null when absent
 * @param str2  its second path argument, null when absent
 * @param addr  the sockaddr or fd pair it carried, empty when none
 * @param inode the inode the call produced or acted on, 0 when not reported
 */
record SyscallRecord(Instant time, Op op, long ret, long[] args, long inode, int flags, String str1, String str2,
                     byte[] addr) {
    static final int EINPROGRESS = 115;

    boolean failed() {
        return ret < 0;
    }

    /** Argument {@code i} as the C {@code int} the syscall takes (fds, dirfds, pids, signals). */
    int intArg(int i) {
        return (int) args[i];
    }

    long arg(int i) {
        return args[i];
    }

    /** The return value as an fd, for calls that returned one. */
    int retFd() {
        return (int) ret;
    }

    /** The first path argument, relative to the cwd. */
    ResolvedPath path1(TrackedProcess process) {
        return marked(process.resolve(TrackedProcess.AT_FDCWD, orEmpty(str1)), str1, WireLayouts.F_STR1_TRUNCATED);
    }

    /** The first path argument, relative to the dirfd in argument {@code dirfdArg}. */
    ResolvedPath path1At(TrackedProcess process, int dirfdArg) {
        return marked(process.resolve(intArg(dirfdArg), orEmpty(str1)), str1, WireLayouts.F_STR1_TRUNCATED);
    }

    ResolvedPath path2(TrackedProcess process) {
        return marked(process.resolve(TrackedProcess.AT_FDCWD, orEmpty(str2)), str2, WireLayouts.F_STR2_TRUNCATED);
    }

    ResolvedPath path2At(TrackedProcess process, int dirfdArg) {
        return marked(process.resolve(intArg(dirfdArg), orEmpty(str2)), str2, WireLayouts.F_STR2_TRUNCATED);
    }

    /** The two int fds pipe() and socketpair() wrote. */
    int[] fdPair() {
        if (addr.length < 2 * Integer.BYTES) {
            throw new DroppedRecordException("bad fd pair", op + " record with " + addr.length
                    + " bytes of fds, expected 8");
        }
        ByteBuffer buffer = ByteBuffer.wrap(addr).order(ByteOrder.nativeOrder());
        return new int[] {buffer.getInt(0), buffer.getInt(Integer.BYTES)};
    }

    private ResolvedPath marked(ResolvedPath path, String raw, int truncatedFlag) {
        if (raw == null) {
            return ResolvedPath.unresolved("path: not captured");
        }
        return (flags & truncatedFlag) != 0 ? path.truncated() : path;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
