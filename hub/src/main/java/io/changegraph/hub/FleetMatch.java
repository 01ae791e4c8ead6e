package io.changegraph.hub;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which production session stands for "the same change" on each host: the earliest session on a host the
 * production glob names (the canary's own host left out) whose command matches the command glob and that
 * started within {@code window} after the canary started. Without a command glob, the canary's program name
 * followed by {@code *} ({@code deploy.sh*}).
 */
record FleetMatch(FleetGlob production, FleetGlob command, Duration window) {
    static final Duration DEFAULT_WINDOW = Duration.ofHours(6);
    static final Duration MAX_WINDOW = Duration.ofDays(31);

    FleetMatch {
        Objects.requireNonNull(production, "production");
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero() || window.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("the window must be longer than 0 and at most 31d, not " + window);
        }
    }

    /** The command glob to use for {@code canary}: the given one, else the canary's program name and {@code *}. */
    FleetGlob commandFor(FleetRun canary) {
        if (command != null) {
            return command;
        }
        String line = canary.commandLineShort();
        int space = line.indexOf(' ');
        String program = space < 0 ? line : line.substring(0, space);
        return FleetGlob.of(program.isEmpty() ? "*" : program + "*");
    }

    /**
     * Per host, the matching session (hosts sorted by name). {@code candidates} may hold anything the store
     * returned; what does not match is left out here.
     */
    Map<String, FleetRun> select(FleetRun canary, List<FleetRun> candidates) {
        FleetGlob commandGlob = commandFor(canary);
        var end = canary.started().plus(window);
        Map<String, FleetRun> chosen = new TreeMap<>();
        candidates.stream()
                .filter(run -> !run.host().equals(canary.host()))
                .filter(run -> production.matches(run.host()))
                .filter(run -> !run.started().isBefore(canary.started()) && !run.started().isAfter(end))
                .filter(run -> run.commandMatches(commandGlob))
                .sorted(Comparator.comparing(FleetRun::started).thenComparing(FleetRun::id))
                .forEach(run -> chosen.putIfAbsent(run.host(), run));
        return chosen;
    }

    /** The production host named by a {@code HOST/ID} pair, checked against the glob. */
    static Optional<String> hostOf(String key) {
        int slash = key == null ? -1 : key.indexOf('/');
        return slash > 0 && slash < key.length() - 1 ? Optional.of(key.substring(0, slash)) : Optional.empty();
    }
}
