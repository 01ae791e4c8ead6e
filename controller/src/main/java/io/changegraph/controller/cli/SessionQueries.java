package io.changegraph.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.controller.UsageException;
import io.changegraph.controller.agent.AgentClient;
import io.changegraph.controller.config.AgentConfig;
import io.changegraph.controller.os.Host;
import io.changegraph.repository.formats.OutputFormat;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.store.SessionRecord;
import io.changegraph.repository.store.SessionStore;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code sessions} and {@code show} ask: through the agent (which decides what the caller may see),
 * or, when the agent is down and the caller is root, straight from the store.
 */
public final class SessionQueries {
    private static final Pattern RELATIVE = Pattern.compile("(\\d+)([mhd])");
    private final AgentConfig config;

    SessionQueries(AgentConfig config) {
        this.config = config;
    }

    List<SessionRecord> list(String user, Instant since) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("op", "sessions");
        request.put("user", user);
        request.put("since", since == null ? null : since.toString());
        try {
            JsonNode answer = answer(request);
            List<SessionRecord> result = new ArrayList<>();
            answer.path("sessions").forEach(s -> result.add(SessionStore.fromMap(s)));
            return result;
        } catch (AgentClient.Unreachable e) {
            SessionStore store = offlineStore(e);
            return store.list(w -> System.err.println("changegraph: warning: " + w)).stream()
                    .filter(r -> user == null || r.user().equals(user))
                    .filter(r -> since == null || r.ended() == null || !r.ended().isBefore(since)).toList();
        }
    }

    String show(String id, String format) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("op", "show");
        request.put("id", id);
        request.put("format", format);
        try {
            return answer(request).path("graph").asText();
        } catch (AgentClient.Unreachable e) {
            SessionStore store = offlineStore(e);
            SessionRecord r = store.read(id).orElseThrow(() -> new UsageException("no session '" + id
                    + "' in " + store.root() + " (see 'changegraph sessions')"));
            try {
                return format(store.rebuild(r, w -> System.err.println("changegraph: warning: " + w)), format);
            } catch (IOException io) {
                throw new UsageException("cannot read session " + id + ": " + io.getMessage());
            }
        }
    }

    /** {@code graph} in the output format named {@code format}; an unknown name is one usage line. */
    static String format(GraphDocument graph, String format) {
        OutputFormat named;
        try {
            named = OutputFormat.named(format);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return named.render(graph);
    }

    private JsonNode answer(Map<String, Object> request) throws AgentClient.Unreachable {
        JsonNode answer = new AgentClient(config.socket(), Duration.ofSeconds(60)).call(request);
        if (!answer.path("ok").asBoolean(false)) {
            throw new UsageException(answer.path("error").asText("the agent refused"));
        }
        return answer;
    }

    private SessionStore offlineStore(AgentClient.Unreachable e) {
        if (Host.currentUid() != 0 || !java.nio.file.Files.isDirectory(config.store())) {
            throw new UsageException(e.getMessage());
        }
        return new SessionStore(config.store());
    }

    /** An ISO time (2026-11-21T08:00:00Z), a date (2026-11-21, UTC) or an age (30m, 12h, 7d). */
    static Instant since(String text, Instant now) {
        if (text == null) {
            return null;
        }
        Matcher m = RELATIVE.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return now.minus(switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new UsageException("--since '" + text + "': give a time (2026-11-21T08:00:00Z), a date"
                    + " (2026-11-21) or an age (30m, 12h, 7d)");
        }
    }
}
