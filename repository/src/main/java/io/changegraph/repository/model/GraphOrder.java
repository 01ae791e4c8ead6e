package io.changegraph.repository.model;

import java.time.Instant;
import java.util.Comparator;

/** The one sort order of persisted graphs: nodes by id, edges by (source, verb, target), alerts by (time, rule). */
public final class GraphOrder {
    public static final Comparator<Node> NODES = Comparator.comparing(Node::id);

    public static final Comparator<Edge> EDGES = Comparator.comparing(Edge::source)
            .thenComparing(edge -> edge.verb().wireName())
            .thenComparing(Edge::target);

    static final Comparator<Alert> ALERTS = Comparator
            .comparing(Alert::time, Comparator.nullsFirst(Comparator.<Instant>naturalOrder()))
            .thenComparing(Alert::ruleId)
            .thenComparing(Alert::node, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(Alert::edgeSource, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(alert -> alert.edgeVerb() == null ? "" : alert.edgeVerb().wireName())
            .thenComparing(Alert::edgeTarget, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(Alert::description);

    private GraphOrder() {
    }
}
