package io.changegraph.repository.model;

import org.jgrapht.graph.DefaultEdge;

import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

/**
 * The mutable edge inside {@link ChangeGraph}: one per (source, verb, target), counters summed over
 * every event on it. Guarded by the graph's lock; {@link #toEdge()} takes an immutable copy.
 */
final class CountedEdge extends DefaultEdge {
    /** At most this many distinct details are kept per edge: the lexicographically smallest, so the kept set does not depend on event order. */
    static final int MAX_DETAILS = 32;

    final String source;
    final String target;
    final Verb verb;
    private long count;
    private long bytes;
    private long failed;
    private long firstNanos = Long.MAX_VALUE;   // epoch ns: longs, not Instants, keep big graphs small
    private long lastNanos = Long.MIN_VALUE;
    private String detail;                     // most edges get one distinct detail at most...
    private TreeSet<String> details;           // ...a set only once a second one arrives
    private NetEvidence net;                   // connect edges with network evidence only
    /** Changed since the graph's last delta ({@link ChangeGraph#snapshotWithDelta}). */
    boolean changed;

    CountedEdge(String source, String target, Verb verb) {
        this.source = source;
        this.target = target;
        this.verb = verb;
    }

    void add(Event event) {
        count += event.count();
        bytes += event.bytes();
        failed += event.failed();
        if (event.net() != null) {
            NetEvidence kept = event.net().forEdge();
            if (kept != null) {
                net = net == null ? kept : net.plus(kept);
            }
        }
        long at = epochNanos(event.time());
        firstNanos = Math.min(firstNanos, at);
        lastNanos = Math.max(lastNanos, at);
        String d = event.detail();
        if (d == null || d.equals(detail)) {
            return;
        }
        if (detail == null && details == null) {
            detail = d;
            return;
        }
        if (details == null) {
            details = new TreeSet<>();
            details.add(detail);
            detail = null;
        }
        if (details.add(d) && details.size() > MAX_DETAILS) {
            details.pollLast();
        }
    }

    Edge toEdge() {
        return new Edge(source, target, verb, count, bytes, failed, instant(firstNanos), instant(lastNanos),
                details != null ? List.copyOf(details) : detail != null ? List.of(detail) : List.of(), net);
    }

    /**
     * The edge's identity in the graph's edge map. equals and hashCode are written out: a record's
     * generated ones go through method handles, which the recorder's C1-only JIT does not inline.
     */
    record Key(String source, Verb verb, String target) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && verb == k.verb && source.equals(k.source) && target.equals(k.target);
        }

        @Override
        public int hashCode() {
            return (source.hashCode() * 31 + verb.ordinal()) * 31 + target.hashCode();
        }
    }

    private static long epochNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static Instant instant(long epochNanos) {
        return epochNanos == Long.MAX_VALUE || epochNanos == Long.MIN_VALUE ? null
                : Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    }
}
