package io.changegraph.consumer;

import java.util.List;
import java.util.Optional;

/**
 * Mirror of {@code enum cg_op}, generated from the syscall table {@code CG_SYSCALLS} in changegraph.h: the C
 * value is {@code ordinal() + 1}, so the order here must be the table's ({@code WireLayoutsTest} checks it
 * against the enum in the BTF of the built object). A new op is a table row, a constant here and a handler.
 */
enum Op {
    OPEN, OPENAT, OPENAT2, CREAT, TRUNCATE, FTRUNCATE, UNLINK, UNLINKAT, RENAME, RENAMEAT, RENAMEAT2,
    MKDIR, MKDIRAT, RMDIR, CHMOD, FCHMOD, FCHMODAT, CHOWN, LCHOWN, FCHOWN, FCHOWNAT, LINK, LINKAT,
    SYMLINK, SYMLINKAT, CHDIR, FCHDIR, CLOSE, CLOSE_RANGE, DUP, DUP2, DUP3, FCNTL, PIPE, SOCKET,
    SOCKETPAIR, CONNECT, BIND, ACCEPT, KILL, TKILL, TGKILL, INIT_MODULE, FINIT_MODULE, DELETE_MODULE,
    EXECVE, EXECVEAT, SENDTO;

    private static final List<Op> BY_CODE = List.of(values());

    int code() {
        return ordinal() + 1;
    }

    static Optional<Op> of(long code) {
        return code >= 1 && code <= BY_CODE.size() ? Optional.of(BY_CODE.get((int) code - 1)) : Optional.empty();
    }
}
