package io.changegraph.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Collects hits per session and rule for one window (from the first hit) and then turns them into one
 * mail and/or one webhook message listing every hit. Used only by the dispatch thread.
 */
final class Aggregator {
    /** Hits listed in one message; more are counted, not listed. */
    static final int MAX_LISTED = 200;

    private final MonitorConfig config;
    private final Map<String, Batch> batches = new LinkedHashMap<>();

    private static final class Batch {
        final long openedNanos;
        final List<Hit> hits = new ArrayList<>();
        long unlisted;

        Batch(long openedNanos) {
            this.openedNanos = openedNanos;
        }
    }

    Aggregator(MonitorConfig config) {
        this.config = config;
    }

    void add(Hit hit, long nowNanos) {
        Batch batch = batches.computeIfAbsent(hit.sessionId() + "\n" + hit.rule().id(), k -> new Batch(nowNanos));
        if (batch.hits.size() < MAX_LISTED) {
            batch.hits.add(hit);
        } else {
            batch.unlisted++;
        }
    }

    /** Messages of the batches whose window has passed ({@code all}: every batch, e.g. at shutdown). */
    List<Message> due(long nowNanos, boolean all, String onlySession) {
        List<Message> out = new ArrayList<>();
        Iterator<Map.Entry<String, Batch>> it = batches.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Batch> entry = it.next();
            Batch batch = entry.getValue();
            boolean sessionEnded = onlySession != null && batch.hits.getFirst().sessionId().equals(onlySession);
            if (all || sessionEnded || nowNanos - batch.openedNanos >= config.window().toNanos()) {
                it.remove();
                out.addAll(messages(batch));
            }
        }
        return out;
    }

    private List<Message> messages(Batch batch) {
        Hit first = batch.hits.getFirst();
        Instant created = Instant.now();
        List<Message> out = new ArrayList<>();
        List<String> to = first.rule().recipients().isEmpty()
                ? config.severityRecipients().getOrDefault(first.rule().severity().wireName(), List.of())
                : first.rule().recipients();
        if (config.smtp() != null && !to.isEmpty()) {
            out.add(new Message(newId(created), Message.MAIL, to, subject(batch), body(batch), created));
        }
        if (config.webhook() != null) {
            out.add(new Message(newId(created), Message.WEBHOOK, List.of(), subject(batch), post(batch), created));
        }
        return out;
    }

    private static String newId(Instant created) {
        return String.format(Locale.ROOT, "%013d-%s", created.toEpochMilli(), UUID.randomUUID());
    }

    static String subject(Aggregator.Batch batch) {
        Hit first = batch.hits.getFirst();
        long total = batch.hits.size() + batch.unlisted;
        return "[changegraph] " + first.rule().severity().wireName().toUpperCase(Locale.ROOT) + " "
                + first.rule().id() + ": " + total + (total == 1 ? " hit" : " hits") + " in session "
                + first.sessionId();
    }

    private static String body(Batch batch) {
        Hit first = batch.hits.getFirst();
        StringBuilder out = new StringBuilder();
        out.append("Rule:     ").append(first.rule().id()).append(" (").append(first.rule().severity().wireName())
                .append(")\n");
        if (!first.rule().description().isEmpty()) {
            out.append("          ").append(first.rule().description()).append('\n');
        }
        out.append("Session:  ").append(first.sessionId()).append('\n');
        out.append("Hits:     ").append(batch.hits.size() + batch.unlisted).append(", from ")
                .append(first.alert().time()).append(" to ").append(batch.hits.getLast().alert().time())
                .append("\n\n");
        int n = 1;
        for (Hit hit : batch.hits) {
            out.append(n++).append(". ").append(hit.alert().time()).append("  ").append(hit.verb().wireName())
                    .append(' ').append(hit.object()).append(hit.failed() ? "  (failed)" : "").append('\n');
            out.append("   process: ").append(hit.chain()).append('\n');
            out.append("   command: ").append(hit.commandLine()).append('\n');
            out.append("   uid:     ").append(hit.subject().uid()).append(" (euid ").append(hit.subject().euid())
                    .append(")\n");
        }
        if (batch.unlisted > 0) {
            out.append("... and ").append(batch.unlisted).append(" more hits, see the alert log\n");
        }
        return out.toString();
    }

    private static String post(Batch batch) {
        Hit first = batch.hits.getFirst();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("session", first.sessionId());
        json.put("rule", first.rule().id());
        json.put("severity", first.rule().severity().wireName());
        json.put("description", first.rule().description());
        json.put("total", batch.hits.size() + batch.unlisted);
        json.put("hits", batch.hits.stream().map(AlertLog::json).toList());
        try {
            return Json.MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings and numbers always serialise", e);
        }
    }
}
