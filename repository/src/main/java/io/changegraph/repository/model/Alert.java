package io.changegraph.repository.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A rule hit annotating the graph: on an edge (source, verb, target) or a node (only {@code node}).
 *
 * @param severity {@code info}, {@code warning} or {@code critical}
 */
public record Alert(String ruleId, String severity, String description, String node, String edgeSource,
                    Verb edgeVerb, String edgeTarget, Instant time) {
    public Alert {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(severity, "severity");
        description = Objects.requireNonNullElse(description, "");
    }
}
