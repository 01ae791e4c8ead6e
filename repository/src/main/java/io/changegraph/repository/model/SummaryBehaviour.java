package io.changegraph.repository.model;

import java.util.List;
import java.util.Objects;

/**
 * One ops behaviour recognised in a recording, e.g. {@code package.install myapp "1.0-1: 5 files"}.
 *
 * @param kind      a dotted name from the closed list in docs/impact.md ({@code package.install}, {@code user.add}, ...)
 * @param subject   what it is about: a package, user, unit, path, module or {@code address:port}
 * @param detail    human text, may be empty
 * @param processes process node ids that did it (sorted)
 * @param evidence  node ids and edge keys ({@code source|verb|target}) to click through to (sorted)
 */
public record SummaryBehaviour(String kind, String subject, String detail, List<String> processes,
                               List<String> evidence) {
    public SummaryBehaviour {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        detail = Objects.requireNonNullElse(detail, "");
        processes = processes == null ? List.of() : processes.stream().distinct().sorted().toList();
        evidence = evidence == null ? List.of() : evidence.stream().distinct().sorted().toList();
        if (!kind.matches("[a-z_]+(\\.[a-z_]+)?")) {
            throw new IllegalArgumentException("behaviour kind must be a dotted lowercase name: '" + kind + "'");
        }
    }
}
