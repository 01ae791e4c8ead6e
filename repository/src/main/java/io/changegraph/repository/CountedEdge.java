package io.changegraph.repository;

import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

/**
 * The mutable edge inside {@link ChangeGraph}: one per (source, verb, target), counters summed over
 * every event on it. Guarded by the graph's lock; {@link #toEdge()} takes an immutable copy.
 */
final class CountedEdge {
    /** At most this many distinct details are kept per edge: the lexicographically smallest, so the kept set does not depend on event order. */
    static final int MAX_DETAILS = 32;

    final String source;
    final String target;
    final Verb verb;
    private long count;
    private long bytes;
    private long failed;
    private Instant first;
    private Instant last;
    private final TreeSet<String> details = new TreeSet<>();

    CountedEdge(String source, String target, Verb verb) {
        this.source = source;
        this.target = target;
        this.verb = verb;
    }

    void add(Event event) {
        count += event.count();
        bytes += event.bytes();
        failed += event.failed();
        first = first == null || event.time().isBefore(first) ? event.time() : first;
        last = last == null || event.time().isAfter(last) ? event.time() : last;
        if (event.detail() != null && details.add(event.detail()) && details.size() > MAX_DETAILS) {
            details.pollLast();
        }
    }

    Edge toEdge() {
        return new Edge(source, target, verb, count, bytes, failed, first, last, List.copyOf(details));
    }

    static String key(String source, Verb verb, String target) {
        return source + "|" + verb.wireName() + "|" + target;
    }
}
