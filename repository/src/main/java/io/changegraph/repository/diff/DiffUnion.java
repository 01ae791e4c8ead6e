package io.changegraph.repository.diff;

import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.GraphDocument;
import java.util.Map;

/**
 * Both graphs of a diff as one graph for viewing: every canonical process, node and behaviour once, with
 * where it was seen. Matched nodes carry the canary's attributes and ids; nodes only in production carry
 * production's. The session and stats are the canary's.
 *
 * @param nodeStatus by node id: a process is {@code changed} when its exit status differs (or, for the root,
 *                   its arguments); other nodes are {@code same} unless only one side touched them
 * @param edgeStatus by {@link Edge#key()}; a changed edge carries the canary's counters
 * @param reasons    by {@link Edge#key()} or node id, for {@code changed} entries: what differs
 */
public record DiffUnion(GraphDocument graph, Map<String, DiffStatus> nodeStatus, Map<String, DiffStatus> edgeStatus,
                        Map<String, String> reasons) {
    public DiffUnion {
        nodeStatus = Map.copyOf(nodeStatus);
        edgeStatus = Map.copyOf(edgeStatus);
        reasons = Map.copyOf(reasons);
    }
}
