package io.changegraph.repository.diff;

import io.changegraph.repository.model.Summary;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One way the two runs changed the host differently, in change terms ("production also deleted
 * /etc/myapp/myapp.conf.bak", "canary installed package myapp 1.0-1, production 1.0-2"): found by comparing the
 * runs' {@link Summary summaries}, see {@code repository/README.md}, section "Diff".
 *
 * @param area       {@code command} (the root command's arguments), {@code behaviour}, {@code file}, {@code remote}
 *                   or {@code left_running}
 * @param kind       the behaviour kind ({@code package.install}) or file effect ({@code deleted}); for a command,
 *                   {@code argv}; for remotes and processes left running, the area again
 * @param status     on one side only, or {@code changed}
 * @param subject    what it is about, normalised: package or user name, path, endpoint, command
 * @param text       the sentence a reader sees
 * @param canary     the canary's side in short ({@code 1.0-1: 3 files}, {@code created 0640 0:995}), null when absent
 * @param production production's side in short, null when absent
 * @param evidence   node ids and edge keys ({@code source|verb|target}) of both runs that show it, for a viewer
 */
public record ImpactDifference(String area, String kind, DiffStatus status, String subject, String text, String canary,
                               String production, List<String> evidence) {
    public static final Set<String> AREAS = Set.of("command", "behaviour", "file", "remote", "left_running");

    public ImpactDifference {
        Objects.requireNonNull(area, "area");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        if (!AREAS.contains(area)) {
            throw new IllegalArgumentException("unknown impact area '" + area + "' (one of " + AREAS.stream().sorted().toList() + ")");
        }
        if (status == DiffStatus.SAME) {
            throw new IllegalArgumentException("an impact difference is never 'same': " + text);
        }
        evidence = evidence == null ? List.of() : evidence.stream().distinct().sorted().toList();
    }
}
