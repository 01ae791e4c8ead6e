package io.changegraph.repository;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** What was recorded: where, by whom, which command; {@code ended} is null while it runs. */
public record Session(String id, String host, String user, int rootPid, List<String> command, Instant started,
                      Instant ended) {
    public Session {
        Objects.requireNonNull(id, "id");
        host = Objects.requireNonNullElse(host, "");
        user = Objects.requireNonNullElse(user, "");
        command = command == null ? List.of() : List.copyOf(command);
    }
}
