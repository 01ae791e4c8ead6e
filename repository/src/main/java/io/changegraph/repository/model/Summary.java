package io.changegraph.repository.model;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a recorded change did to the host, in terms an operator reads: ops behaviours (a package installed, a
 * user added, a daemon left running), the net effect per path, the remotes used, the processes left running,
 * and how many graph elements each noise class folded away. Stored as the {@code summary} section of a
 * {@code changegraph/v1} document and printed by {@code changegraph summary} as {@value #SCHEMA}.
 * Every list is kept sorted, so the same recording always gives the same summary.
 *
 * @param folded count per noise class ({@code runtime_loading}, {@code failed_lookup}, ...), sorted by class
 */
public record Summary(List<SummaryBehaviour> behaviours, List<FileEffect> files, List<RemoteUse> remotes,
                      List<LeftRunning> leftRunning, Map<String, Long> folded) {
    public static final String SCHEMA = "changegraph-summary/v1";

    public static final Summary EMPTY = new Summary(List.of(), List.of(), List.of(), List.of(), Map.of());

    public Summary {
        behaviours = sorted(behaviours, Comparator.comparing(SummaryBehaviour::kind).thenComparing(SummaryBehaviour::subject)
                .thenComparing(SummaryBehaviour::detail));
        files = sorted(files, Comparator.comparing(FileEffect::path).thenComparing(FileEffect::effect));
        remotes = sorted(remotes, Comparator.comparing(RemoteUse::id));
        leftRunning = sorted(leftRunning, Comparator.comparing(LeftRunning::process));
        Objects.requireNonNull(folded, "folded");
        folded.forEach((noiseClass, count) -> {
            if (count == null || count < 0) {
                throw new IllegalArgumentException("folded count of '" + noiseClass + "' must be >= 0: " + count);
            }
        });
        folded = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(folded));
    }

    /** How many graph elements all noise classes together folded away. */
    public long foldedTotal() {
        return folded.values().stream().mapToLong(Long::longValue).sum();
    }

    private static <T> List<T> sorted(List<T> items, Comparator<T> order) {
        Objects.requireNonNull(items, "list");
        return items.stream().sorted(order).toList();
    }
}
