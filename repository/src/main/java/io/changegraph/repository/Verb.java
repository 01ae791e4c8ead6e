package io.changegraph.repository;

import java.util.Locale;

/** The syscall-level behaviours an edge can carry; the wire name is the lowercase constant name. */
public enum Verb {
    SPAWN, EXEC, EXIT, SIGNAL, OPEN, CREATE, READ, WRITE, TRUNCATE, UNLINK, RENAME, MKDIR, RMDIR,
    CHMOD, CHOWN, LINK, SYMLINK, CONNECT, ACCEPT, BIND, SEND, RECV, LOAD_MODULE, UNLOAD_MODULE;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The name used in graph JSON, exports and rules, e.g. {@code load_module}. */
    public String wireName() {
        return wireName;
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
