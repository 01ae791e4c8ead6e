package io.changegraph.repository.model;

import java.util.Objects;

/**
 * A process the session started that had not exited when the session ended (a daemon, a background job).
 *
 * @param process the process node id
 * @param command its argv joined by spaces
 */
public record LeftRunning(String process, int pid, String command) {
    public LeftRunning {
        Objects.requireNonNull(process, "process");
        command = Objects.requireNonNullElse(command, "");
    }
}
