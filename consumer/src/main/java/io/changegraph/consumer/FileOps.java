package io.changegraph.consumer;

import io.changegraph.repository.model.Verb;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * File operations: open/create, truncate, unlink, rmdir, mkdir, rename, chmod, chown, link, symlink. Which
 * verbs name a second path in their detail is the verb's trait ({@link Verb#detailIsPath}), checked here.
 * Per the header, str1 is the call's first path argument and str2 its second; dirfds are read from
 * the argument the syscall takes them in.
 */
final class FileOps implements SyscallHandler.Group {
    static final int O_ACCMODE = 3;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    static final int O_TRUNC = 01000;
    static final int O_DIRECTORY = 0200000;
    static final int O_CLOEXEC = 02000000;
    static final int O_PATH = 010000000;
    static final int AT_REMOVEDIR = 0x200;

    private final EventEmitter events;

    FileOps(EventEmitter events) {
        this.events = events;
    }

    @Override
    public void register(Map<Op, SyscallHandler> handlers) {
        handlers.put(Op.OPEN, (p, c) -> open(p, c, c.path1(p), c.arg(1)));
        handlers.put(Op.OPENAT, (p, c) -> open(p, c, c.path1At(p, 0), c.arg(2)));
        handlers.put(Op.OPENAT2, (p, c) -> open(p, c, c.path1At(p, 0), c.arg(2)));
        handlers.put(Op.CREAT, (p, c) -> open(p, c, c.path1(p), O_CREAT | O_WRONLY | O_TRUNC));
        handlers.put(Op.TRUNCATE, (p, c) -> event(p, c, Verb.TRUNCATE, c.path1(p), "length " + c.arg(1)));
        handlers.put(Op.FTRUNCATE, (p, c) -> event(p, c, Verb.TRUNCATE, p.fds().path(c.intArg(0)),
                "length " + c.arg(1)));
        handlers.put(Op.UNLINK, (p, c) -> event(p, c, Verb.UNLINK, c.path1(p), null));
        handlers.put(Op.UNLINKAT, (p, c) -> event(p, c, (c.arg(2) & AT_REMOVEDIR) != 0 ? Verb.RMDIR : Verb.UNLINK,
                c.path1At(p, 0), null));
        handlers.put(Op.RMDIR, (p, c) -> event(p, c, Verb.RMDIR, c.path1(p), null));
        handlers.put(Op.MKDIR, (p, c) -> event(p, c, Verb.MKDIR, c.path1(p), mode(c.arg(1))));
        handlers.put(Op.MKDIRAT, (p, c) -> event(p, c, Verb.MKDIR, c.path1At(p, 0), mode(c.arg(2))));
        handlers.put(Op.RENAME, (p, c) -> twoPaths(p, c, Verb.RENAME, c.path1(p), c.path2(p).path()));
        handlers.put(Op.RENAMEAT, (p, c) -> twoPaths(p, c, Verb.RENAME, c.path1At(p, 0), c.path2At(p, 2).path()));
        handlers.put(Op.RENAMEAT2, (p, c) -> twoPaths(p, c, Verb.RENAME, c.path1At(p, 0), c.path2At(p, 2).path()));
        handlers.put(Op.CHMOD, (p, c) -> event(p, c, Verb.CHMOD, c.path1(p), mode(c.arg(1))));
        handlers.put(Op.FCHMOD, (p, c) -> event(p, c, Verb.CHMOD, p.fds().path(c.intArg(0)), mode(c.arg(1))));
        handlers.put(Op.FCHMODAT, (p, c) -> event(p, c, Verb.CHMOD, c.path1At(p, 0), mode(c.arg(2))));
        handlers.put(Op.CHOWN, (p, c) -> event(p, c, Verb.CHOWN, c.path1(p), owner(c, 1)));
        handlers.put(Op.LCHOWN, (p, c) -> event(p, c, Verb.CHOWN, c.path1(p), owner(c, 1)));
        handlers.put(Op.FCHOWN, (p, c) -> event(p, c, Verb.CHOWN, p.fds().path(c.intArg(0)), owner(c, 1)));
        handlers.put(Op.FCHOWNAT, (p, c) -> event(p, c, Verb.CHOWN, c.path1At(p, 0), owner(c, 2)));
        // link(existing, new): the edge goes to the new name; the existing one is the detail
        handlers.put(Op.LINK, (p, c) -> twoPaths(p, c, Verb.LINK, c.path2(p), c.path1(p).path()));
        handlers.put(Op.LINKAT, (p, c) -> twoPaths(p, c, Verb.LINK, c.path2At(p, 2), c.path1At(p, 0).path()));
        // symlink(target, linkpath): the target is kept as written, it is resolved only when followed
        handlers.put(Op.SYMLINK, (p, c) -> twoPaths(p, c, Verb.SYMLINK, c.path2(p), c.str1()));
        handlers.put(Op.SYMLINKAT, (p, c) -> twoPaths(p, c, Verb.SYMLINK, c.path2At(p, 1), c.str1()));
    }

    /** A file verb whose detail, if any, is not a path (a mode, an owner, open flags, a length). */
    private void event(TrackedProcess process, SyscallRecord call, Verb verb, ResolvedPath path, String detail) {
        if (verb.detailIsPath() || verb.objectKind() != Verb.ObjectKind.FILE) {
            throw new IllegalArgumentException(verb.wireName() + " is not a one-path file verb");
        }
        events.once(call.time(), process.node(), verb, path.ref(call.inode()), call.failed(), detail);
    }

    /** A file verb that names a second path in its detail ({@link Verb#detailIsPath}: rename, link, symlink). */
    private void twoPaths(TrackedProcess process, SyscallRecord call, Verb verb, ResolvedPath object, String second) {
        if (!verb.detailIsPath()) {
            throw new IllegalArgumentException(verb.wireName() + " does not name a second path");
        }
        events.once(call.time(), process.node(), verb, object.ref(call.inode()), call.failed(), second);
    }

    private void open(TrackedProcess process, SyscallRecord call, ResolvedPath path, long flags) {
        event(process, call, (flags & O_CREAT) != 0 ? Verb.CREATE : Verb.OPEN, path, openDetail(flags));
        if (!call.failed()) {
            process.fds().put(call.retFd(), FdEntry.file(path, call.inode(), (flags & O_CLOEXEC) != 0));
        }
    }

    /** {@code read,write,create,truncate} (+ {@code directory}, {@code path}) as the flags say. */
    static String openDetail(long flags) {
        return OPEN_DETAILS[openDetailIndex(flags)];
    }

    // six flag bits decide the detail: every one of the 64 strings is built once, not once per open
    private static final String[] OPEN_DETAILS = new String[64];

    static {
        for (int i = 0; i < OPEN_DETAILS.length; i++) {
            long flags = (i & 3) | ((i & 4) != 0 ? O_CREAT : 0) | ((i & 8) != 0 ? O_TRUNC : 0)
                    | ((i & 16) != 0 ? O_DIRECTORY : 0) | ((i & 32) != 0 ? O_PATH : 0);
            OPEN_DETAILS[openDetailIndex(flags)] = describeOpen(flags);
        }
    }

    private static int openDetailIndex(long flags) {
        return (int) (flags & O_ACCMODE) | ((flags & O_CREAT) != 0 ? 4 : 0) | ((flags & O_TRUNC) != 0 ? 8 : 0)
                | ((flags & O_DIRECTORY) != 0 ? 16 : 0) | ((flags & O_PATH) != 0 ? 32 : 0);
    }

    private static String describeOpen(long flags) {
        List<String> parts = new ArrayList<>();
        if ((flags & O_PATH) == 0) {
            long access = flags & O_ACCMODE;
            if (access != O_WRONLY) {
                parts.add("read");
            }
            if (access == O_WRONLY || access == O_RDWR) {
                parts.add("write");
            }
        }
        if ((flags & O_CREAT) != 0) {
            parts.add("create");
        }
        if ((flags & O_TRUNC) != 0) {
            parts.add("truncate");
        }
        if ((flags & O_DIRECTORY) != 0) {
            parts.add("directory");
        }
        if ((flags & O_PATH) != 0) {
            parts.add("path");
        }
        return String.join(",", parts);
    }

    /** A permission mode as 4 octal digits: {@code 0644}, {@code 4755}. */
    static String mode(long mode) {
        String octal = Long.toOctalString(mode & 07777);   // not String.format: it parses its pattern each call
        return "0000".substring(octal.length()) + octal;
    }

    /** {@code uid:gid} of a chown; -1 (leave unchanged) stays -1. */
    private static String owner(SyscallRecord call, int uidArg) {
        return id(call.intArg(uidArg)) + ":" + id(call.intArg(uidArg + 1));
    }

    private static String id(int id) {
        return id == -1 ? "-1" : Integer.toUnsignedString(id);
    }
}
