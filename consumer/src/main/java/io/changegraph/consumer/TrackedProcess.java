package io.changegraph.consumer;

import io.changegraph.repository.model.ProcessNode;

/** A live followed process: its latest node, fd table and working directory. */
final class TrackedProcess {
    static final int AT_FDCWD = -100;

    private volatile ProcessNode node;
    private final FdTable fds;
    private ResolvedPath cwd;

    TrackedProcess(ProcessNode node, FdTable fds, ResolvedPath cwd) {
        this.node = node;
        this.fds = fds;
        this.cwd = cwd;
    }

    ProcessNode node() {
        return node;
    }

    void update(ProcessNode newNode) {
        this.node = newNode;
    }

    FdTable fds() {
        return fds;
    }

    ResolvedPath cwd() {
        return cwd;
    }

    void chdir(ResolvedPath newCwd) {
        cwd = newCwd;
        node = node.withCwd(newCwd.path());
    }

    /** A path argument of a *at() call: relative to {@code dirfd}, or to the cwd for AT_FDCWD. */
    ResolvedPath resolve(int dirfd, String path) {
        return (dirfd == AT_FDCWD ? cwd : fds.path(dirfd)).resolve(path);
    }

    /** A path argument of a plain call (open, unlink, ...): relative to the cwd. */
    ResolvedPath resolve(String path) {
        return cwd.resolve(path);
    }
}
