package io.changegraph.repository.model;

import java.util.List;
import java.util.Objects;

/**
 * An immutable change-impact graph as persisted in {@code changegraph/v1}: nodes sorted by id,
 * edges by (source, verb, target), alerts by (time, rule). Everything that reads or writes graphs
 * (JSON, exports, diff, web, offline rule checks) works on this type.
 *
 * @param summary what the change did (net effects, behaviours, noise folded), or null when not computed
 */
public record GraphDocument(Session session, Stats stats, List<Node> nodes, List<Edge> edges, List<Alert> alerts,
                            Summary summary) {
    public static final String SCHEMA = "changegraph/v1";

    public GraphDocument {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(stats, "stats");
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
        alerts = alerts == null ? List.of() : List.copyOf(alerts);
    }

    /** A document without a summary section. */
    public GraphDocument(Session session, Stats stats, List<Node> nodes, List<Edge> edges, List<Alert> alerts) {
        this(session, stats, nodes, edges, alerts, null);
    }

    /** The same document with {@code summary} as its summary section (null removes it). */
    public GraphDocument withSummary(Summary summary) {
        return new GraphDocument(session, stats, nodes, edges, alerts, summary);
    }
}
