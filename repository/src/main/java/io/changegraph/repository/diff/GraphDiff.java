package io.changegraph.repository.diff;

import io.changegraph.repository.model.GraphDocument;
import java.util.List;

/**
 * Compares a canary run's graph with the production run of the same change, by canonical identity (see
 * {@code repository/README.md}, section "Diff"): two honest runs compare equal although pids, times, hosts,
 * homes, temp names and counts differ. Linear in the size of the graphs, apart from sorting siblings that
 * share a label and the differences found.
 */
public final class GraphDiff {
    private GraphDiff() {
    }

    /**
     * Compares two runs. When both documents carry a {@link GraphDocument#summary() summary} (the impact module's
     * {@code Impact.summarise}, attached with {@link GraphDocument#withSummary}), the report also says how what
     * they changed differs ({@link DiffReport#impact()}); otherwise that section is null.
     */
    public static DiffReport compare(GraphDocument canary, GraphDocument production, DiffOptions options) {
        Comparison comparison = new Comparison(canary, production, options);
        List<ImpactDifference> impact = canary.summary() == null || production.summary() == null ? null
                : ImpactDiff.of(comparison, canary.summary(), production.summary());
        return new DiffReport(canary, production, options, comparison.differences(), impact,
                () -> new UnionBuilder(comparison).build());
    }
}
