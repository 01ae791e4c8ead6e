package io.changegraph.repository;

import java.util.Map;
import java.util.Objects;

/**
 * Compares a canary run's graph with the production run of the same change, by canonical identity (see
 * {@code repository/README.md}, section "Diff"): two honest runs compare equal although pids, times, hosts,
 * homes, temp names and counts differ. Linear in the size of the graphs, apart from sorting siblings that
 * share a label and the differences found.
 */
public final class GraphDiff {
    private GraphDiff() {
    }

    public static DiffReport compare(GraphDocument canary, GraphDocument production, DiffOptions options) {
        Objects.requireNonNull(options, "options");
        CanonicalSide canarySide = new CanonicalSide(canary, options);
        CanonicalSide productionSide = new CanonicalSide(production, options);
        ProcessMatching matching = new ProcessMatching(canarySide, productionSide);
        Map<Behaviour.Key, Behaviour> canaryBehaviours = Behaviour.of(canarySide, matching.canaryCanon, matching);
        Map<Behaviour.Key, Behaviour> productionBehaviours = Behaviour.of(productionSide, matching.productionCanon, matching);
        Comparison comparison = new Comparison(canarySide, productionSide, matching, canaryBehaviours,
                productionBehaviours, options);
        return new DiffReport(canary, production, comparison.differences(), () -> new UnionBuilder(comparison).build());
    }
}
