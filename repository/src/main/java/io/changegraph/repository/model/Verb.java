package io.changegraph.repository.model;

import java.util.Locale;

/**
 * The syscall-level behaviours an edge can carry; the wire name is the lowercase constant name.
 *
 * <p>A verb carries its meaning here, once: what kind of node its object is, whether it destroys or writes,
 * whether its detail names a second path, and what it does to the path-to-node map of the graph. The graph
 * ({@link ChangeGraph#apply}), the diff's ranking, the rule engine and the offline replay ask the verb instead
 * of keeping their own lists, so a new verb is one constant here plus the consumer's handler that emits it
 * (see docs/architecture.md).
 */
public enum Verb {
    // object kind, then traits (see the flag constants below)
    SPAWN(ObjectKind.PROCESS, 0),
    EXEC(ObjectKind.FILE, 0),
    EXIT(ObjectKind.SELF, 0),
    SIGNAL(ObjectKind.PROCESS, Flags.PARTIAL_OBJECT),
    OPEN(ObjectKind.FILE, 0),
    CREATE(ObjectKind.FILE, Flags.WRITES),
    READ(ObjectKind.FILE, 0),
    WRITE(ObjectKind.FILE, Flags.WRITES),
    TRUNCATE(ObjectKind.FILE, Flags.DESTRUCTIVE),
    UNLINK(ObjectKind.FILE, Flags.DESTRUCTIVE | Flags.DETACHES_PATH),
    RENAME(ObjectKind.FILE, Flags.DESTRUCTIVE | Flags.DETAIL_IS_PATH | Flags.MOVES_OBJECT),
    MKDIR(ObjectKind.FILE, Flags.WRITES),
    RMDIR(ObjectKind.FILE, Flags.DESTRUCTIVE | Flags.DETACHES_PATH),
    CHMOD(ObjectKind.FILE, Flags.WRITES),
    CHOWN(ObjectKind.FILE, Flags.WRITES),
    LINK(ObjectKind.FILE, Flags.WRITES | Flags.DETAIL_IS_PATH),
    SYMLINK(ObjectKind.FILE, Flags.WRITES | Flags.DETAIL_IS_PATH),
    CONNECT(ObjectKind.REMOTE, 0),
    ACCEPT(ObjectKind.REMOTE, 0),
    BIND(ObjectKind.REMOTE, 0),
    SEND(ObjectKind.REMOTE, 0),
    RECV(ObjectKind.REMOTE, 0),
    LOAD_MODULE(ObjectKind.MODULE, 0),
    UNLOAD_MODULE(ObjectKind.MODULE, 0);

    /** What a verb's object is. */
    public enum ObjectKind {
        /** Another process (spawn: the child; signal: the target). */
        PROCESS,
        /** The acting process itself: the event updates the subject and makes no edge (exit). */
        SELF,
        /** A file, named by a path. */
        FILE,
        /** A network or unix-socket endpoint. */
        REMOTE,
        /** A kernel module. */
        MODULE
    }

    private static final class Flags {
        static final int DESTRUCTIVE = 1;
        static final int WRITES = 2;
        static final int DETAIL_IS_PATH = 4;
        static final int MOVES_OBJECT = 8;
        static final int DETACHES_PATH = 16;
        static final int PARTIAL_OBJECT = 32;
    }

    private final String wireName = name().toLowerCase(Locale.ROOT);
    private final ObjectKind objectKind;
    private final int flags;

    Verb(ObjectKind objectKind, int flags) {
        this.objectKind = objectKind;
        this.flags = flags;
    }

    /** The name used in graph JSON, exports and rules, e.g. {@code load_module}. */
    public String wireName() {
        return wireName;
    }

    /** What the event's object is. */
    public ObjectKind objectKind() {
        return objectKind;
    }

    /** Whether an event of this verb becomes an edge (every verb but {@code exit}, which only updates its process). */
    public boolean makesEdge() {
        return objectKind != ObjectKind.SELF;
    }

    /** Removes or replaces what was there: unlink, rmdir, rename, truncate (the diff ranks these first). */
    public boolean destructive() {
        return (flags & Flags.DESTRUCTIVE) != 0;
    }

    /** Creates or changes a file without destroying one: write, create, mkdir, link, symlink, chmod, chown. */
    public boolean writes() {
        return (flags & Flags.WRITES) != 0;
    }

    /**
     * The detail names a second path (rename: the new path; link: the existing path; symlink: the target as
     * written), so path conditions look at both the object and the detail.
     */
    public boolean detailIsPath() {
        return (flags & Flags.DETAIL_IS_PATH) != 0;
    }

    /** On success the object's node moves to the path in the detail (rename). */
    public boolean movesObject() {
        return (flags & Flags.MOVES_OBJECT) != 0;
    }

    /** On success the path no longer names the object's node; a later file there is a new node (unlink, rmdir). */
    public boolean detachesPath() {
        return (flags & Flags.DETACHES_PATH) != 0;
    }

    /**
     * The subject's view of the object is partial and never overwrites what is known about it (signal: the
     * sender knows little of the target, which may not be followed).
     */
    public boolean partialObject() {
        return (flags & Flags.PARTIAL_OBJECT) != 0;
    }

    /** Parses a wire name; throws IllegalArgumentException naming the bad value. */
    public static Verb fromWire(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown verb '" + name + "'");
        }
    }
}
