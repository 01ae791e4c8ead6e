package io.changegraph.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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

    static final class Batch {
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
        String severity = first.rule().severity().wireName();
        if (config.smtp() != null && !to.isEmpty()) {
            out.add(new Message(newId(created), Message.MAIL, severity, to, subject(batch), body(batch, config),
                    created));
        }
        if (config.webhook() != null) {
            out.add(new Message(newId(created), Message.WEBHOOK, severity, List.of(), subject(batch),
                    post(batch, config), created));
        }
        return out;
    }

    private static String newId(Instant created) {
        return String.format(Locale.ROOT, "%013d-%s", created.toEpochMilli(), UUID.randomUUID());
    }

    /**
     * {@code [changegraph] CRITICAL system-file-delete on web01 (alice): unlink /etc/x, 3 hits in session ID}:
     * severity, rule, host, user, the first hit's object, how many.
     */
    static String subject(Aggregator.Batch batch) {
        Hit first = batch.hits.getFirst();
        SessionFacts session = first.session();
        long total = batch.hits.size() + batch.unlisted;
        StringBuilder out = new StringBuilder("[changegraph] ")
                .append(first.rule().severity().wireName().toUpperCase(Locale.ROOT)).append(' ')
                .append(first.rule().id());
        if (!session.host().isEmpty()) {
            out.append(" on ").append(session.host());
        }
        if (!session.user().isEmpty()) {
            out.append(" (").append(session.user()).append(')');
        }
        out.append(": ").append(first.action()).append(' ').append(elide(first.object(), 80)).append(", ")
                .append(total).append(total == 1 ? " hit" : " hits").append(" in session ").append(first.sessionId());
        return out.toString();
    }

    private static String elide(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max / 2 - 1) + "…" + text.substring(text.length() - max / 2);
    }

    /** The user as a person reads it: {@code alice (uid 1000)}, {@code uid 1000}, {@code alice}, or "". */
    static String user(SessionFacts session) {
        if (session.uid() < 0) {
            return session.user();
        }
        return session.user().isEmpty() ? "uid " + session.uid() : session.user() + " (uid " + session.uid() + ")";
    }

    /** The viewer's page of the session when {@code alerts.viewer_url} is set, else null. */
    static String viewerLink(MonitorConfig config, String sessionId) {
        return config.viewerUrl() == null ? null
                : config.viewerUrl() + "/graph.html?session=" + URLEncoder.encode(sessionId, StandardCharsets.UTF_8);
    }

    static String body(Batch batch, MonitorConfig config) {
        Hit first = batch.hits.getFirst();
        SessionFacts session = first.session();
        StringBuilder out = new StringBuilder();
        out.append("Rule:     ").append(first.rule().id()).append(" (").append(first.rule().severity().wireName())
                .append(")\n");
        if (!first.rule().description().isEmpty()) {
            out.append("          ").append(first.rule().description()).append('\n');
        }
        line(out, "Host:     ", session.host());
        line(out, "User:     ", user(session));
        line(out, "SSH from: ", session.sshClient());
        line(out, "TTY:      ", session.tty());
        line(out, "Command:  ", String.join(" ", session.command()));
        out.append("Session:  ").append(first.sessionId());
        if (session.started() != null) {
            out.append(", started ").append(session.started());
        }
        out.append('\n');
        out.append("Hits:     ").append(batch.hits.size() + batch.unlisted).append(", from ")
                .append(first.alert().time()).append(" to ").append(batch.hits.getLast().alert().time())
                .append("\n\n");
        int n = 1;
        for (Hit hit : batch.hits) {
            out.append(n++).append(". ").append(hit.alert().time()).append("  ").append(hit.action())
                    .append(' ').append(hit.object()).append(hit.failed() ? "  (failed)" : "").append('\n');
            out.append("   process: ").append(hit.chain()).append('\n');
            out.append("   command: ").append(hit.commandLine()).append('\n');
            out.append("   uid:     ").append(hit.subject().uid()).append(" (euid ").append(hit.subject().euid())
                    .append(")\n");
        }
        if (batch.unlisted > 0) {
            out.append("... and ").append(batch.unlisted).append(" more hits, see the alert log\n");
        }
        out.append('\n');
        line(out, "See it:   ", session.see());
        line(out, "Viewer:   ", viewerLink(config, first.sessionId()));
        return out.toString();
    }

    private static void line(StringBuilder out, String label, String value) {
        if (value != null && !value.isEmpty()) {
            out.append(label).append(value).append('\n');
        }
    }

    static String post(Batch batch, MonitorConfig config) {
        Hit first = batch.hits.getFirst();
        SessionFacts session = first.session();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("session", first.sessionId());
        json.put("host", session.host());
        json.put("user", session.user());
        json.put("uid", session.uid() < 0 ? null : session.uid());
        json.put("ssh_client", session.sshClient());
        json.put("tty", session.tty());
        json.put("command", session.command());
        json.put("started", session.started() == null ? null : session.started().toString());
        json.put("rule", first.rule().id());
        json.put("severity", first.rule().severity().wireName());
        json.put("description", first.rule().description());
        json.put("object", first.object());
        json.put("first", first.alert().time().toString());
        json.put("last", batch.hits.getLast().alert().time().toString());
        json.put("total", batch.hits.size() + batch.unlisted);
        json.put("see", session.see());
        json.put("viewer", viewerLink(config, first.sessionId()));
        json.put("hits", batch.hits.stream().map(AlertLog::json).toList());
        try {
            return Json.MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings and numbers always serialise", e);
        }
    }
}
