package io.changegraph.repository.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What was recorded: where, by whom, which command; {@code ended} is null while it runs.
 *
 * @param rules the digest ({@code sha256:...}) of the rules file the session's events were evaluated with while
 *              it was recorded, so its {@code alerts} are that evaluation; null when recorded without rules
 */
public record Session(String id, String host, String user, int rootPid, List<String> command, Instant started,
                      Instant ended, String rules) {
    public Session {
        Objects.requireNonNull(id, "id");
        host = Objects.requireNonNullElse(host, "");
        user = Objects.requireNonNullElse(user, "");
        command = command == null ? List.of() : List.copyOf(command);
    }

    /** A session recorded without rules. */
    public Session(String id, String host, String user, int rootPid, List<String> command, Instant started,
                   Instant ended) {
        this(id, host, user, rootPid, command, started, ended, null);
    }

    /** The same session, ended at {@code at}. */
    public Session endedAt(Instant at) {
        return new Session(id, host, user, rootPid, command, started, at, rules);
    }

    /** The same session, its events evaluated with the rules of digest {@code rulesDigest} (null: none). */
    public Session withRules(String rulesDigest) {
        return new Session(id, host, user, rootPid, command, started, ended, rulesDigest);
    }
}
