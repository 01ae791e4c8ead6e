package io.changegraph.repository.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A verb edge from a process to a node, with counters: 10,000 writes are one edge with count 10,000.
 *
 * @param details the distinct event details seen on this edge (sorted, capped), e.g. chmod modes
 * @param net     on a connect edge: TCP counters, the first HTTP request, the first TLS server name (no names),
 *                or null
 */
public record Edge(String source, String target, Verb verb, long count, long bytes, long failed,
                   Instant first, Instant last, List<String> details, NetEvidence net) {
    public Edge {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(verb, "verb");
        details = details == null ? List.of() : List.copyOf(details);
        if (count < 0 || bytes < 0 || failed < 0) {
            throw new IllegalArgumentException("negative counter on edge " + source + " -" + verb + "-> " + target);
        }
    }

    public Edge(String source, String target, Verb verb, long count, long bytes, long failed, Instant first,
                Instant last, List<String> details) {
        this(source, target, verb, count, bytes, failed, first, last, details, null);
    }

    /** Stable key of the edge: source, verb, target. */
    public String key() {
        return source + "|" + verb.wireName() + "|" + target;
    }
}
