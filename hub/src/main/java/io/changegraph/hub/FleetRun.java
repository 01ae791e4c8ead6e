package io.changegraph.hub;

import io.changegraph.repository.model.Summary;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One session as the fleet diff sees it: where and when it ran, what it ran, and what it changed.
 *
 * @param summary the impact summary the agent pushed ({@code changegraph-summary/v1}), or null while none arrived
 */
record FleetRun(String host, String id, String user, int uid, List<String> command, Instant started, Instant ended,
                String state, Summary summary) {
    FleetRun {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(started, "started");
        if (host.isEmpty() || id.isEmpty()) {
            throw new IllegalArgumentException("a fleet run needs a host and a session id");
        }
        user = Objects.requireNonNullElse(user, "");
        command = command == null ? List.of() : List.copyOf(command);
        state = Objects.requireNonNullElse(state, "");
    }

    /** {@code HOST/ID}, as the CLI and the API name a session across the fleet. */
    String key() {
        return host + "/" + id;
    }

    /** The command line as one string, the program as run ({@code examples/deploy.sh --env canary}). */
    String commandLine() {
        return String.join(" ", command);
    }

    /** The command line with the program's directory left out ({@code deploy.sh --env canary}). */
    String commandLineShort() {
        if (command.isEmpty()) {
            return "";
        }
        String program = command.getFirst();
        int slash = program.lastIndexOf('/');
        List<String> rest = command.subList(1, command.size());
        String head = slash >= 0 ? program.substring(slash + 1) : program;
        return rest.isEmpty() ? head : head + " " + String.join(" ", rest);
    }

    /** Whether {@code glob} matches the command line, with or without the program's directory. */
    boolean commandMatches(FleetGlob glob) {
        return glob.matches(commandLine()) || glob.matches(commandLineShort());
    }
}
