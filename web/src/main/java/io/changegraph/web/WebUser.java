package io.changegraph.web;

import java.util.Locale;
import java.util.Objects;

/**
 * Who a request comes from, once its token is recognised, and what they may see.
 *
 * @param name shown on the pages ("logged in as")
 * @param role admin and auditor see every session; user only sessions the session store says they own
 * @param uid  the owner uid a {@code user} sees the sessions of; null for admin and auditor without one
 */
public record WebUser(String name, Role role, Integer uid) {
    /** What the single {@code --token} means: everything, as before users files existed. */
    static final WebUser TOKEN_ADMIN = new WebUser("admin", Role.ADMIN, null);
    /** No token and no users file (loopback only): everything, as before. */
    static final WebUser ANONYMOUS = new WebUser("anonymous", Role.ADMIN, null);

    public enum Role {
        ADMIN, AUDITOR, USER;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public WebUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        if (role == Role.USER && uid == null) {
            throw new IllegalArgumentException("a user needs a uid");
        }
    }

    /**
     * True when this user may see {@code session}: admin and auditor always; a user only when the session
     * store records them as its owner (a graph file outside a store has no owner, so only admin and auditor
     * see it).
     */
    boolean maySee(LoadedSession session) {
        if (role != Role.USER) {
            return true;
        }
        return session.record().map(record -> record.uid() == uid).orElse(false);
    }
}
