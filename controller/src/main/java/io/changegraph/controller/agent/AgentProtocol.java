package io.changegraph.controller.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changegraph.consumer.Consumer;
import io.changegraph.controller.config.AgentLimits;
import io.changegraph.controller.os.LibC;
import io.changegraph.controller.os.ProcessTree;
import io.changegraph.repository.formats.OutputFormat;
import io.changegraph.repository.io.JsonMappers;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.store.SessionRecord;
import io.changegraph.repository.store.SessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import io.changegraph.repository.io.TerminalText;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's socket protocol: one JSON object per line in, one per line out, then the connection closes.
 * <pre>
 * {"op":"register","pid":N,"tty":"/dev/pts/3","ssh_connection":"...","command":["-bash"]}
 *     → {"ok":true,"session":"ID"}      (the session's user is the pid's owner, never a name the request gives)
 * {"op":"sessions","user":"alice","since":"2026-11-21T00:00:00Z"} → {"ok":true,"sessions":[{...}, ...]}
 * {"op":"show","id":"ID","format":"json|dot|graphml|cypher"}   → {"ok":true,"graph":"..."}
 * anything else → {"ok":false,"error":"one line"}
 * </pre>
 * Who asks is the kernel's answer (SO_PEERCRED), never the request's: {@code register} takes only the
 * caller's own pid or its parent's (the shell it runs in), owned by the caller's uid (root: any pid);
 * {@code sessions} and {@code show} see only the caller's own sessions (root: all). There is no operation
 * to stop, pause or unregister a session: a followed user cannot end their own recording.
 */
public final class AgentProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(AgentProtocol.class);
    static final ObjectMapper JSON = JsonMappers.SORTED;
    private static final Path PROC = Path.of("/proc");
    static final int MAX_LINE = 64 * 1024;
    static final int MAX_ARGS = 4096;

    private final Agent agent;
    /** replaced by a fleet config push ({@link #limits(AgentLimits)}) */
    private volatile AgentLimits limits;
    /** per unprivileged uid: when its registrations of the last minute were made (nanoTime), oldest first */
    private final Map<Integer, ArrayDeque<Long>> registrations = new HashMap<>();

    public AgentProtocol(Agent agent, AgentLimits limits) {
        this.agent = agent;
        this.limits = limits;
    }

    /** New per-user limits for the registrations from now on (the fleet's live configuration). */
    void limits(AgentLimits next) {
        limits = java.util.Objects.requireNonNull(next);
    }

    /** A request refused or malformed: the one line sent back (and logged). */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    String handle(LibC.PeerCredentials peer, String line) {
        try {
            JsonNode request;
            try {
                request = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new Refused("malformed request (not JSON): " + e.getOriginalMessage());
            }
            if (request == null || !request.isObject() || !request.path("op").isTextual()) {
                throw new Refused("malformed request: expected a JSON object with an \"op\"");
            }
            String op = request.get("op").textValue();
            return switch (op) {
                case "register" -> ok(Map.of("session", register(peer, request)));
                case "sessions" -> ok(Map.of("sessions", sessions(peer, request)));
                case "show" -> ok(Map.of("graph", show(peer, request)));
                default -> throw new Refused("unknown op '" + op + "' (register, sessions or show)");
            };
        } catch (Refused e) {
            LOG.warn("refused request from pid {} uid {}: {}", peer.pid(), peer.uid(), e.getMessage());
            return error(e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.error("request from pid {} uid {} failed: {}", peer.pid(), peer.uid(), e.toString());
            return error("the agent could not do it: " + e.getMessage());
        }
    }

    private String register(LibC.PeerCredentials peer, JsonNode request) throws Refused, IOException {
        if (!request.path("pid").isIntegralNumber() || !request.get("pid").canConvertToInt()) {
            throw new Refused("register needs \"pid\": the process to follow");
        }
        int pid = request.get("pid").intValue();
        boolean root = peer.uid() == 0;
        int peerParent = ProcessTree.ppid(PROC.resolve(peer.pid() + "/stat"));
        if (!root && pid != peer.pid() && pid != peerParent) {
            throw new Refused("pid " + pid + " is neither the caller (" + peer.pid() + ") nor its parent shell: a user"
                    + " may only register their own session");
        }
        if (pid == ProcessHandle.current().pid()) {
            throw new Refused("pid " + pid + " is the agent itself");
        }
        int owner;
        try {
            owner = Consumer.readProc(PROC, pid).uid();
        } catch (IOException e) {
            throw new Refused("no process with pid " + pid);
        }
        if (!root && owner != peer.uid()) {
            throw new Refused("pid " + pid + " belongs to uid " + owner + ", not to the caller (uid " + peer.uid() + ")");
        }
        String tty = text(request, "tty", "");
        String client = text(request, "ssh_connection", "");
        if (hasControl(tty) || hasControl(client)) {
            throw new Refused("\"tty\" and \"ssh_connection\" must not contain control characters");
        }
        JsonNode argv = request.path("command");
        if (!argv.isMissingNode() && !argv.isNull() && !argv.isArray() || argv.size() > MAX_ARGS) {
            throw new Refused("\"command\" must be a list of at most " + MAX_ARGS + " strings");
        }
        List<String> command = new ArrayList<>();
        // argv is the user's to choose (bash -c $'\e[2J'): kept escaped, so no reader of it meets a raw control
        argv.forEach(c -> command.add(TerminalText.line(c.asText())));
        if (!root) {
            admit(peer.uid());
        }
        return agent.register(new Agent.Registration(pid, owner, userName(owner),
                tty, client, command, pid != peer.pid()));
    }

    /** The per-user limits of {@link AgentLimits}: live sessions, then registrations in the last minute. */
    private void admit(int uid) throws Refused {
        if (agent.liveSessionsOf(uid) >= limits.sessionsPerUser()) {
            throw new Refused("uid " + uid + " has " + limits.sessionsPerUser() + " live sessions already"
                    + " (max_sessions_per_user): end some first");
        }
        long now = System.nanoTime();
        synchronized (registrations) {
            ArrayDeque<Long> times = registrations.computeIfAbsent(uid, u -> new ArrayDeque<>());
            while (!times.isEmpty() && now - times.peekFirst() >= 60_000_000_000L) {
                times.pollFirst();
            }
            if (times.size() >= limits.registrationsPerMinute()) {
                throw new Refused("uid " + uid + " registered " + times.size() + " sessions in the last minute"
                        + " (max_registrations_per_minute): try again in a minute");
            }
            times.addLast(now);
            registrations.keySet().removeIf(u -> u != uid && registrations.get(u).isEmpty());
        }
    }

    private static boolean hasControl(String text) {
        return text.chars().anyMatch(c -> TerminalText.isUnsafe((char) c));
    }

    private List<Map<String, Object>> sessions(LibC.PeerCredentials peer, JsonNode request) throws Refused {
        String user = request.hasNonNull("user") ? request.get("user").asText() : null;
        Instant since = null;
        if (request.hasNonNull("since")) {
            try {
                since = Instant.parse(request.get("since").asText());
            } catch (DateTimeParseException e) {
                throw new Refused("\"since\" must be an ISO-8601 UTC time like 2026-11-21T00:00:00Z");
            }
        }
        Instant from = since;
        return agent.sessions().stream()
                .filter(r -> peer.uid() == 0 || r.uid() == peer.uid())
                .filter(r -> user == null || r.user().equals(user))
                .filter(r -> from == null || r.ended() == null || !r.ended().isBefore(from))
                .map(SessionStore::toMap).toList();
    }

    private String show(LibC.PeerCredentials peer, JsonNode request) throws Refused, IOException {
        String id = request.path("id").asText("");
        // an unknown id and another user's id get the same answer: ids of others are not revealed
        SessionRecord r = agent.session(id).filter(s -> peer.uid() == 0 || s.uid() == peer.uid())
                .orElseThrow(() -> new Refused("no session '" + TerminalText.line(id) + "' of yours (see 'changegraph sessions')"));
        GraphDocument graph = agent.graph(r);
        OutputFormat format;
        try {
            format = OutputFormat.named(request.path("format").asText("json"));
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage());
        }
        return format.render(graph);
    }

    private static String text(JsonNode request, String key, String fallback) {
        JsonNode v = request.get(key);
        String s = v == null || v.isNull() ? fallback : v.asText();
        return s.length() > 1024 ? s.substring(0, 1024) : s;
    }

    static String userName(int uid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length > 2 && f[2].equals(Integer.toString(uid))) {
                    return f[0];
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return Integer.toString(uid);
    }

    static String ok(Map<String, Object> fields) {
        Map<String, Object> json = new LinkedHashMap<>(fields);
        json.put("ok", true);
        return write(json);
    }

    static String error(String message) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ok", false);
        json.put("error", message);
        return write(json);
    }

    public static String write(Map<String, Object> json) {
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plain values always serialise", e);
        }
    }
}
