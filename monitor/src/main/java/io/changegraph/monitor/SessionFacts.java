package io.changegraph.monitor;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a person on duty needs to know about the session an alert comes from: where, who, from where,
 * which command, since when, and the command that shows it. Mails and webhook posts carry it; every
 * field but the id may be unknown (empty, {@code -1}, null).
 *
 * @param id        the session id
 * @param host      the host name
 * @param user      the user name (the one who logged in, or who ran sudo)
 * @param uid       that user's uid, or -1 when unknown
 * @param sshClient the SSH client as {@code address:port → :server-port}, or "" without SSH
 * @param tty       the terminal, e.g. {@code /dev/pts/3}, or ""
 * @param command   the session's command (argv)
 * @param started   when the session started, or null
 * @param see       the command that shows the session, e.g. {@code changegraph show ID}, or ""
 */
public record SessionFacts(String id, String host, String user, int uid, String sshClient, String tty,
                           List<String> command, Instant started, String see) {
    public SessionFacts {
        Objects.requireNonNull(id, "id");
        host = Objects.requireNonNullElse(host, "");
        user = Objects.requireNonNullElse(user, "");
        sshClient = Objects.requireNonNullElse(sshClient, "");
        tty = Objects.requireNonNullElse(tty, "");
        command = command == null ? List.of() : List.copyOf(command);
        see = Objects.requireNonNullElse(see, "");
        if (uid < -1) {
            throw new IllegalArgumentException("uid must be -1 (unknown) or more, not " + uid);
        }
    }

    /** Only the id known. */
    public static SessionFacts of(String id) {
        return new SessionFacts(id, "", "", -1, "", "", List.of(), null, "");
    }

    /**
     * {@code SSH_CONNECTION}'s "client-address client-port server-address server-port" as
     * {@code client-address:client-port → :server-port} ({@code [v6]:port} for IPv6); other text as given.
     */
    public static String sshClient(String sshConnection) {
        if (sshConnection == null || sshConnection.isBlank()) {
            return "";
        }
        String[] parts = sshConnection.strip().split("\\s+");
        if (parts.length != 4) {
            return sshConnection.strip();
        }
        String address = parts[0].contains(":") ? "[" + parts[0] + "]" : parts[0];
        return address + ":" + parts[1] + " \u2192 :" + parts[3];
    }
}
