package io.changegraph.repository.store;

import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Stats;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the store keeps about one session besides its journal ({@code meta.json}).
 *
 * @param uid         the owner: only this uid (or root) may list or read the session
 * @param rootStartNs the root process' start time (boot-clock ns): tells a live root from a reused pid
 * @param client      the SSH client, from {@code SSH_CONNECTION} ("addr port server-addr server-port"), or ""
 * @param tty         the terminal, e.g. {@code /dev/pts/3}, or "" without one
 * @param state       live while followed; ended when its last process exited; interrupted when the agent
 *                    stopped (or was killed) while it ran and the session was gone when it came back
 * @param resumed     how many times an agent restart found the session still running and followed it again
 *                    (what happened while the agent was down is not in the graph)
 */
public record SessionRecord(String id, String host, String user, int uid, int rootPid, long rootStartNs, String client,
                            String tty, List<String> command, Instant started, Instant ended, State state,
                            Stats stats, int resumed) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    public enum State {
        LIVE, ENDED, INTERRUPTED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static State fromWire(String name) {
            for (State s : values()) {
                if (s.wireName().equals(name)) {
                    return s;
                }
            }
            throw new JournalFormatException("unknown session state '" + name + "' (live, ended or interrupted)");
        }
    }

    public SessionRecord {
        if (!validId(id)) {
            throw new IllegalArgumentException("bad session id '" + id + "'");
        }
        host = Objects.requireNonNullElse(host, "");
        user = Objects.requireNonNullElse(user, "");
        client = Objects.requireNonNullElse(client, "");
        tty = Objects.requireNonNullElse(tty, "");
        command = command == null ? List.of() : List.copyOf(command);
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(state, "state");
        stats = Objects.requireNonNullElse(stats, Stats.EMPTY);
        if (rootPid <= 0 || uid < 0 || resumed < 0) {
            throw new IllegalArgumentException("impossible session pid=" + rootPid + " uid=" + uid);
        }
    }

    /** Session ids are file names: letters, digits, '.', '_', '-', not starting with '.' or '-'. */
    public static boolean validId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    public Session session() {
        return new Session(id, host, user, rootPid, command, started, ended);
    }

    public SessionRecord with(State newState, Instant newEnded, Stats newStats) {
        return new SessionRecord(id, host, user, uid, rootPid, rootStartNs, client, tty, command, started, newEnded,
                newState, newStats, resumed);
    }

    public SessionRecord resumedOnce() {
        return new SessionRecord(id, host, user, uid, rootPid, rootStartNs, client, tty, command, started, ended,
                state, stats, resumed + 1);
    }
}
