package io.changegraph.consumer;

import io.changegraph.repository.model.RemoteNode;
import java.util.Objects;

/**
 * What one file descriptor of a process refers to, as far as the tool knows.
 *
 * @param path   for {@link Kind#FILE}: the file (or directory, device) it was opened as
 * @param inode  the inode when the kernel reported it, else 0
 * @param remote for a connected or accepted socket: the other end, else null
 * @param local  for a bound socket: the local address, else null
 */
record FdEntry(Kind kind, ResolvedPath path, long inode, RemoteNode remote, RemoteNode local, boolean cloexec) {

    enum Kind { FILE, PIPE, SOCKET, OTHER }

    FdEntry {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.FILE) {
            Objects.requireNonNull(path, "path of a file fd");
        }
    }

    static FdEntry file(ResolvedPath path, long inode, boolean cloexec) {
        return new FdEntry(Kind.FILE, path, inode, null, null, cloexec);
    }

    static FdEntry pipe(boolean cloexec) {
        return new FdEntry(Kind.PIPE, null, 0, null, null, cloexec);
    }

    static FdEntry socket(boolean cloexec) {
        return new FdEntry(Kind.SOCKET, null, 0, null, null, cloexec);
    }

    static FdEntry other(boolean cloexec) {
        return new FdEntry(Kind.OTHER, null, 0, null, null, cloexec);
    }

    /**
     * An fd as {@code readlink /proc/PID/fd/N} shows it: {@code socket:[..]}, {@code pipe:[..]},
     * {@code anon_inode:..}, or a path.
     */
    static FdEntry fromProcLink(String link, boolean cloexec) {
        if (link.startsWith("/")) {
            return file(new ResolvedPath(link, true), 0, cloexec);
        }
        if (link.startsWith("socket:")) {
            return socket(cloexec);
        }
        if (link.startsWith("pipe:")) {
            return pipe(cloexec);
        }
        return other(cloexec);
    }

    FdEntry withCloexec(boolean value) {
        return new FdEntry(kind, path, inode, remote, local, value);
    }

    FdEntry connectedTo(RemoteNode peer) {
        return new FdEntry(Kind.SOCKET, null, 0, peer, local, cloexec);
    }

    FdEntry boundTo(RemoteNode address) {
        return new FdEntry(Kind.SOCKET, null, 0, remote, address, cloexec);
    }
}
