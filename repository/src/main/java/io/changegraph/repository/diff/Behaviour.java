package io.changegraph.repository.diff;

import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/** One side's edges that share a canonical identity (a {@link Key}), summed. */
final class Behaviour {
    /**
     * A behaviour by canonical identity: acting process, verb, and either the canonical number of a target
     * process or the canonical key of another target (then {@code targetProcess} is -1).
     */
    record Key(int process, Verb verb, int targetProcess, String target) {
        /** Mixed, unlike a record's default: paths that differ in one digit must not share hash buckets. */
        @Override
        public int hashCode() {
            long hash = Hashing.mix(((long) process << 32 | (targetProcess & 0xffffffffL)) * 31 + verb.ordinal());
            hash = Hashing.mix(hash + (target == null ? 0 : target.hashCode()));
            return (int) (hash ^ (hash >>> 32));
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && process == key.process && targetProcess == key.targetProcess
                    && verb == key.verb && Objects.equals(target, key.target);
        }
    }

    final String targetLabel;
    final Node target;
    long count;
    long bytes;
    long failed;
    Instant first;
    Instant last;
    /** Normalised details, sorted; allocated on the first one (most edges have none). */
    private TreeSet<String> details;

    Behaviour(String targetLabel, Node target) {
        this.targetLabel = targetLabel;
        this.target = target;
    }

    void add(Edge edge, CanonicalSide side, int source) {
        count += edge.count();
        bytes += edge.bytes();
        failed += edge.failed();
        first = first == null || (edge.first() != null && edge.first().isBefore(first)) ? edge.first() : first;
        last = last == null || (edge.last() != null && edge.last().isAfter(last)) ? edge.last() : last;
        for (String detail : edge.details()) {
            if (details == null) {
                details = new TreeSet<>();
            }
            details.add(side.normalizeDetail(edge.verb() == Verb.CHOWN ? ownIds(detail, side.nodes[source]) : detail, source));
        }
    }

    Difference.Outcome outcome() {
        return new Difference.Outcome(count, bytes, failed, details());
    }

    boolean sameDetails(Behaviour other) {
        return details == null ? other.details == null : details.equals(other.details);
    }

    List<String> details() {
        return details == null ? List.of() : List.copyOf(details);
    }

    /**
     * A chown to the acting user's own ids ({@code sed -i} gives its temp file the original owner) names
     * them {@code <uid>:<gid>}, so the same change run by two users compares equal. A gid counts as the
     * user's own when it equals the uid (Debian's user private groups).
     */
    static String ownIds(String detail, Node source) {
        if (!(source instanceof ProcessNode process)) {
            return detail;
        }
        int colon = detail.indexOf(':');
        if (colon < 0) {
            return detail;
        }
        String uid = detail.substring(0, colon);
        String gid = detail.substring(colon + 1);
        return (own(uid, process) ? "<uid>" : uid) + ":" + (own(gid, process) ? "<gid>" : gid);
    }

    private static boolean own(String id, ProcessNode process) {
        return id.equals(Integer.toString(process.uid())) || id.equals(Integer.toString(process.euid()));
    }

    /** Every compared edge of one side, by canonical identity; edges of processes the matching left out are skipped. */
    static Map<Key, Behaviour> of(CanonicalSide side, int[] canon, ProcessMatching matching) {
        Map<Key, Behaviour> behaviours = HashMap.newHashMap(side.edges.length);
        for (int source = 0; source < side.nodes.length; source++) {
            int process = canon[source];
            if (process < 0) {
                continue;
            }
            for (int e = side.edgeStart[source]; e < side.edgeStart[source + 1]; e++) {
                Edge edge = side.edges[e];
                int target = side.edgeTarget[e];
                int targetProcess = side.isProcess(target) ? canon[target] : -1;
                String key = targetProcess >= 0 ? null : side.targetKey(target);
                Key behaviourKey = new Key(process, edge.verb(), targetProcess, key);
                Behaviour behaviour = behaviours.get(behaviourKey);
                if (behaviour == null) {
                    behaviour = new Behaviour(targetProcess >= 0 ? matching.display(targetProcess) : key, side.nodes[target]);
                    behaviours.put(behaviourKey, behaviour);
                }
                behaviour.add(edge, side, source);
            }
        }
        return behaviours;
    }
}
