package io.changegraph.consumer;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One process's file descriptors. Besides the open fds it remembers, per fd number, the entry that
 * was last closed there: the kernel flushes aggregated I/O when an fd is closed or reused, so an
 * I/O record may arrive just after the close that ended the fd (see {@link IoDecoder}).
 */
final class FdTable {
    private final Map<Integer, FdEntry> open;
    private final Map<Integer, FdEntry> lastClosed;

    FdTable() {
        this(new HashMap<>(), new HashMap<>());
    }

    private FdTable(Map<Integer, FdEntry> open, Map<Integer, FdEntry> lastClosed) {
        this.open = open;
        this.lastClosed = lastClosed;
    }

    /** The table a forked child starts with: the same open fds. */
    FdTable copy() {
        return new FdTable(new HashMap<>(open), new HashMap<>());
    }

    Optional<FdEntry> get(int fd) {
        return Optional.ofNullable(open.get(fd));
    }

    Optional<FdEntry> lastClosed(int fd) {
        return Optional.ofNullable(lastClosed.get(fd));
    }

    /** Installs an entry at {@code fd}, implicitly closing what was there. */
    void put(int fd, FdEntry entry) {
        close(fd);
        open.put(fd, entry);
    }

    /** Forgets {@code fd}: used when it now refers to something unknown. */
    void forget(int fd) {
        close(fd);
    }

    void close(int fd) {
        FdEntry previous = open.remove(fd);
        if (previous != null) {
            lastClosed.put(fd, previous);
        }
    }

    /** close_range(first, last): {@code last} is unsigned (~0U means "all"). */
    void closeRange(long first, long last, boolean cloexecOnly) {
        for (Integer fd : open.keySet().toArray(Integer[]::new)) {
            if (fd >= first && fd <= last) {
                if (cloexecOnly) {
                    open.put(fd, open.get(fd).withCloexec(true));
                } else {
                    close(fd);
                }
            }
        }
    }

    /** dup/dup2/dup3/F_DUPFD: {@code to} becomes a copy of {@code from}; unknown if {@code from} is. */
    void dup(int from, int to, boolean cloexec) {
        FdEntry source = open.get(from);
        if (source == null) {
            forget(to);
        } else {
            put(to, source.withCloexec(cloexec));
        }
    }

    /** connect/bind on {@code fd}: changes its socket entry (a socket of unknown origin if none). */
    void updateSocket(int fd, java.util.function.UnaryOperator<FdEntry> change) {
        FdEntry current = open.get(fd);
        open.put(fd, change.apply(current != null ? current : FdEntry.socket(false)));
    }

    void setCloexec(int fd, boolean cloexec) {
        open.computeIfPresent(fd, (key, entry) -> entry.withCloexec(cloexec));
    }

    /** At exec: close-on-exec fds are closed. */
    void closeOnExec() {
        for (Integer fd : open.keySet().toArray(Integer[]::new)) {
            if (open.get(fd).cloexec()) {
                close(fd);
            }
        }
    }

    /** The directory or file an fd names, for *at() calls and fchdir. */
    ResolvedPath path(int fd) {
        FdEntry entry = open.get(fd);
        return entry != null && entry.kind() == FdEntry.Kind.FILE ? entry.path() : ResolvedPath.unresolved("fd " + fd);
    }
}
