package io.changegraph.repository.diff;

import io.changegraph.repository.model.Verb;
import java.util.List;
import java.util.Objects;

/**
 * One behaviour that differs between canary and production: a process (shown by its ancestry) doing
 * {@code verb} to {@code target}. {@code canary}/{@code production} are null on the side where it did not
 * happen. A different exit status is a {@code changed} difference with verb {@code exit} and an empty target.
 *
 * @param ancestry the canonical labels from the root process down to the acting process (included)
 * @param target   the target's canonical label: normalised path, endpoint, module or process label
 * @param reasons  for {@code changed}: what differs, e.g. {@code failed 0 -> 1}, {@code count 1 -> 12}
 * @param effects  for a process on one side only: its behaviours and its descendants', most important first,
 *                 e.g. {@code unlink /etc/x} or {@code sh -c x > rm /etc/x: unlink /etc/x}; at most
 *                 {@value #MAX_EFFECTS} and a last line saying how many more
 */
public record Difference(DiffStatus status, Importance importance, List<String> ancestry, Verb verb, String target,
                         Outcome canary, Outcome production, List<String> reasons, List<String> effects) {
    public static final int MAX_EFFECTS = 20;

    public Difference {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(importance, "importance");
        Objects.requireNonNull(verb, "verb");
        ancestry = List.copyOf(ancestry);
        target = Objects.requireNonNullElse(target, "");
        reasons = List.copyOf(reasons);
        effects = effects == null ? List.of() : List.copyOf(effects);
    }

    /** What one side's edge amounted to (summed over edges that normalise to the same behaviour). */
    public record Outcome(long count, long bytes, long failed, List<String> details) {
        public Outcome {
            details = List.copyOf(details);
        }
    }
}
