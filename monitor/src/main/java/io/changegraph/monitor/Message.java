package io.changegraph.monitor;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One outgoing notification in the outbox: a mail (recipients, subject, text body) or a webhook post
 * (JSON body). Stored as one JSON file per message until it is delivered.
 *
 * @param id   unique and sortable by creation time; also sent as the X-Changegraph-Alert header
 * @param sink {@code mail} or {@code webhook}
 * @param severity the rule's severity ({@code critical} messages are never held back by the rate limit)
 */
record Message(String id, String sink, String severity, List<String> to, String subject, String body,
               Instant created) {
    static final String MAIL = "mail";
    static final String WEBHOOK = "webhook";

    Message {
        Objects.requireNonNull(id, "id");
        if (!MAIL.equals(sink) && !WEBHOOK.equals(sink)) {
            throw new IllegalArgumentException("unknown sink '" + sink + "'");
        }
        severity = Objects.requireNonNullElse(severity, "warning");
        to = to == null ? List.of() : List.copyOf(to);
        subject = Objects.requireNonNullElse(subject, "");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(created, "created");
    }

    boolean critical() {
        return "critical".equals(severity);
    }
}
