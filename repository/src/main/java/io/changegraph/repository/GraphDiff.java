package io.changegraph.repository;

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
        Comparison comparison = new Comparison(canary, production, options);
        return new DiffReport(canary, production, options, comparison.differences(), () -> new UnionBuilder(comparison).build());
    }
}
