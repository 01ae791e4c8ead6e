package io.changegraph.controller.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.controller.UsageException;
import io.changegraph.controller.os.CpuPlacement;
import io.changegraph.forward.HubSettings;
import io.changegraph.repository.io.BadInputException;
import io.changegraph.repository.io.YamlReader;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import io.changegraph.probes.ProbeTunables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;

/**
 * The agent's and the session wrapper's configuration ({@code /etc/changegraph/config.yaml}; another file
 * with {@code --config} or {@code CHANGEGRAPH_CONFIG}). Every key is optional:
 * <pre>
 * socket: /run/changegraph/agent.sock   # where the agent listens
 * store: /var/lib/changegraph           # sessions, journals and graphs (0700)
 * fail_closed: false                    # true: deny the login when the agent cannot record it
 * retention_days: 90                    # sessions older than this are pruned (at start and daily)
 * flush_interval: 1                     # seconds between journal flushes (at most 1)
 * rules: /etc/changegraph/rules.yaml    # optional: alerts in every session graph the agent writes or shows
 * cpu: auto                             # the CPU the agent's threads stay on: auto (the last), none, or a number
 * payload_bytes: 512                    # first bytes of a connection's first send / DNS answer captured; 0 = off
 *                                       #   (netwatch's DNS answers too)
 * max_connections_per_user: 8           # per unprivileged uid ({@link AgentLimits}): open connections,
 * max_registrations_per_minute: 30      #   sessions registered in any minute,
 * max_sessions_per_user: 64             #   live sessions
 * netwatch: false                       # true: the host-wide TCP anomaly camera, JSON lines in STORE/netwatch.jsonl
 * netwatch_interval: 10                 # seconds each netwatch line covers (1 to 3600)
 * control: {endpoints: [https://etcd:2379], ca: ..., cert: ..., key: ..., group: canary}   # the fleet's etcd
 *                                       #   ({@link ControlConfig}, docs/control.md); absent: no fleet
 * hub: {url: https://hub:7443, cert: host.crt, key: host.key, ca: fleet-ca.crt, backlog_mb: 256}
 *                                       # optional: push sessions to the fleet's hub ({@link HubSettings}, docs/fleet.md)
 * protection: {cpu_percent: 5, ...}     # self-protection ({@link OpsSettings}, docs/ops.md): on by default
 * metrics: {listen: 127.0.0.1:9464}     # the Prometheus endpoint: off by default
 * </pre>
 *
 * @param source the file read, or null when defaults were used because there is none
 * @param payloadBytes bytes of payload captured for DNS names, HTTP request lines and TLS server names (0: none)
 * @param netwatch     the netwatch interval when the agent runs the host-wide TCP anomaly camera, else null
 * @param control      the fleet's etcd when the agent is part of a fleet, else null
 * @param hub          where to push the sessions, else null
 * @param ops          self-protection and metrics
 */
public record AgentConfig(Path socket, Path store, boolean failClosed, int retentionDays, Duration flushInterval, Path rules,
                   CpuPlacement cpu, Path source, AgentLimits limits, int payloadBytes, Duration netwatch,
                   io.changegraph.control.ControlSettings control, HubSettings hub, OpsSettings ops) {
    public static final Path DEFAULT_FILE = Path.of("/etc/changegraph/config.yaml");
    public static final Path DEFAULT_SOCKET = Path.of("/run/changegraph/agent.sock");
    public static final Path DEFAULT_STORE = Path.of("/var/lib/changegraph");
    private static final Set<String> KEYS = Set.of("socket", "store", "fail_closed", "retention_days", "flush_interval",
            "rules", "cpu", "payload_bytes", "max_connections_per_user", "max_registrations_per_minute",
            "max_sessions_per_user", "netwatch", "netwatch_interval", "control", "hub", "protection", "metrics");

    public AgentConfig {
        java.util.Objects.requireNonNull(cpu, "cpu");
        java.util.Objects.requireNonNull(limits, "limits");
        java.util.Objects.requireNonNull(ops, "ops");
        if (retentionDays < 1) {
            throw new UsageException("retention_days must be at least 1, not " + retentionDays);
        }
        if (flushInterval.isNegative() || flushInterval.isZero() || flushInterval.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new UsageException("flush_interval must be more than 0 and at most 1 second");
        }
        if (payloadBytes < 0 || payloadBytes > ProbeTunables.MAX_PAYLOAD_BYTES) {
            throw new UsageException("payload_bytes must be 0 (payload capture off) to " + ProbeTunables.MAX_PAYLOAD_BYTES);
        }
        if (netwatch != null && (netwatch.compareTo(Duration.ofSeconds(1)) < 0
                || netwatch.compareTo(Duration.ofHours(1)) > 0)) {
            throw new UsageException("netwatch_interval must be 1 to 3600 seconds");
        }
    }

    /** Without the fleet (no etcd, no hub), with the default self-protection and no metrics. */
    public AgentConfig(Path socket, Path store, boolean failClosed, int retentionDays, Duration flushInterval, Path rules,
                CpuPlacement cpu, Path source, AgentLimits limits, int payloadBytes, Duration netwatch) {
        this(socket, store, failClosed, retentionDays, flushInterval, rules, cpu, source, limits, payloadBytes, netwatch,
                null, null, OpsSettings.DEFAULTS);
    }

    /** Without netwatch. */
    public AgentConfig(Path socket, Path store, boolean failClosed, int retentionDays, Duration flushInterval, Path rules,
                CpuPlacement cpu, Path source, AgentLimits limits, int payloadBytes) {
        this(socket, store, failClosed, retentionDays, flushInterval, rules, cpu, source, limits, payloadBytes, null);
    }

    /** Where the agent's netwatch writes its JSON lines. */
    public Path netwatchLog() {
        return store.resolve("netwatch.jsonl");
    }

    /** With the default payload capture. */
    public AgentConfig(Path socket, Path store, boolean failClosed, int retentionDays, Duration flushInterval, Path rules,
                CpuPlacement cpu, Path source, AgentLimits limits) {
        this(socket, store, failClosed, retentionDays, flushInterval, rules, cpu, source, limits,
                ProbeTunables.DEFAULT_PAYLOAD_BYTES);
    }

    /** The probe's tunables for this configuration. */
    public ProbeTunables tunables(ProbeTunables base) {
        return new ProbeTunables(base.maxProcesses(), base.ringBufferBytes(), base.recorderTgid(), payloadBytes);
    }

    public static AgentConfig defaults() {
        return new AgentConfig(DEFAULT_SOCKET, DEFAULT_STORE, false, 90, Duration.ofSeconds(1), null, CpuPlacement.AUTO, null,
                AgentLimits.defaults());
    }

    /** The file given, else $CHANGEGRAPH_CONFIG, else /etc/changegraph/config.yaml; defaults when that is absent. */
    public static AgentConfig load(Path given) {
        String env = System.getenv("CHANGEGRAPH_CONFIG");
        Path file = given != null ? given : env != null && !env.isBlank() ? Path.of(env) : DEFAULT_FILE;
        String text;
        try {
            text = YamlReader.readFile(file, "config file");
        } catch (BadInputException e) {
            throw new UsageException(e.getMessage());
        } catch (NoSuchFileException e) {
            if (given != null) {
                throw new UsageException("config file " + file + " does not exist");
            }
            return defaults();
        } catch (AccessDeniedException e) {
            throw new UsageException("cannot read config file " + file + ": permission denied (it should be 0644)");
        } catch (IOException e) {
            throw new UsageException("cannot read config file " + file + ": " + e.getMessage());
        }
        return parse(text, file);
    }

    /**
     * For a configuration that cannot be read: whether its text still has a line {@code fail_closed: true}, so
     * that a broken file does not open the door its administrator closed. Reads at most the first 64 KiB of a
     * regular file; false when there is none.
     */
    public static boolean saysFailClosed(Path given) {
        String env = System.getenv("CHANGEGRAPH_CONFIG");
        Path file = given != null ? given : env != null && !env.isBlank() ? Path.of(env) : DEFAULT_FILE;
        try {
            if (!java.nio.file.Files.isRegularFile(file)) {
                return false;
            }
            byte[] head;
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
                head = in.readNBytes(64 * 1024);
            }
            return new String(head, java.nio.charset.StandardCharsets.UTF_8).lines()
                    .anyMatch(line -> line.matches("fail_closed:\\s*(true|yes|on)\\s*(#.*)?"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Checks the paths before the agent touches anything: the store is a directory or can be one, the socket's
     * directory is a directory or can be one, and the socket path is free or an old socket (never a file the
     * agent would delete to listen there).
     *
     * @throws UsageException one line naming the key, the path and what to do
     */
    public void checkPaths() {
        String where = source == null ? "" : " (" + source + ")";
        requireDirectoryOrCreatable(store, "store", where);
        Path socketDir = socket.toAbsolutePath().getParent();
        requireDirectoryOrCreatable(socketDir, "socket's directory", where);
        if (socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
            throw new UsageException("socket " + socket + where + " is longer than the 107 bytes a Unix socket path"
                    + " may have: choose a shorter path");
        }
        if (java.nio.file.Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            int mode;
            try {
                mode = (Integer) java.nio.file.Files.getAttribute(socket, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            } catch (IOException | RuntimeException e) {
                mode = 0;
            }
            if ((mode & 0170000) != 0140000) {
                throw new UsageException("socket " + socket + where + " exists and is not a socket: the agent will not"
                        + " replace it; choose another path");
            }
        }
    }

    private static void requireDirectoryOrCreatable(Path dir, String key, String where) {
        Path p = dir.toAbsolutePath();
        while (p != null && !java.nio.file.Files.exists(p)) {
            p = p.getParent();
        }
        if (p != null && !java.nio.file.Files.isDirectory(p)) {
            throw new UsageException(key + " " + dir + where + ": " + p + " is not a directory: choose a directory"
                    + " (created 0700 if missing)");
        }
    }

    public static AgentConfig parse(String text, Path file) {
        JsonNode root;
        try {
            root = YamlReader.readTree(text, file.toString());
        } catch (BadInputException e) {
            throw new UsageException(e.getMessage());
        }
        AgentConfig d = defaults();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new AgentConfig(d.socket, d.store, d.failClosed, d.retentionDays, d.flushInterval, null, d.cpu, file, d.limits);
        }
        if (!root.isObject()) {
            throw new UsageException(file + ": expected keys like 'socket:' and 'store:', not a " + root.getNodeType());
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!KEYS.contains(key)) {
                throw new UsageException(file + ": unknown key '" + key + "' (known: " + String.join(", ",
                        new java.util.TreeSet<>(KEYS)) + ")");
            }
        }
        try {
            return new AgentConfig(path(root, "socket", d.socket), path(root, "store", d.store),
                    bool(root, "fail_closed", d.failClosed), integer(root, "retention_days", d.retentionDays),
                    Duration.ofMillis(Math.round(number(root, "flush_interval", 1) * 1000)),
                    path(root, "rules", null), cpu(root, d.cpu), file, new AgentLimits(
                            integer(root, "max_connections_per_user", d.limits.connectionsPerUser()),
                            integer(root, "max_registrations_per_minute", d.limits.registrationsPerMinute()),
                            integer(root, "max_sessions_per_user", d.limits.sessionsPerUser())),
                    integer(root, "payload_bytes", ProbeTunables.DEFAULT_PAYLOAD_BYTES),
                    bool(root, "netwatch", false) ? Duration.ofSeconds(integer(root, "netwatch_interval", 10)) : null,
                    ControlConfig.parse(root.get("control")),
                    root.hasNonNull("hub") ? hub(root.get("hub"), file) : null,
                    OpsSettings.parse(root));
        } catch (UsageException e) {
            throw new UsageException(file + ": " + e.getMessage());
        }
    }

    private static HubSettings hub(JsonNode value, Path file) {
        try {
            return HubSettings.parse(value, file.toAbsolutePath().getParent());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static Path path(JsonNode root, String key, Path fallback) {
        return value(root, key, fallback, v -> v.isTextual() && v.textValue().startsWith("/"),
                v -> Path.of(v.textValue()), "an absolute path");
    }

    private static CpuPlacement cpu(JsonNode root, CpuPlacement fallback) {
        return value(root, "cpu", fallback, v -> (v.isTextual() || v.isIntegralNumber()) && isCpu(v.asText()),
                v -> CpuPlacement.parse(v.asText()), "auto, none or a CPU number");
    }

    private static boolean isCpu(String text) {
        try {
            CpuPlacement.parse(text);
            return true;
        } catch (UsageException e) {
            return false;
        }
    }

    private static boolean bool(JsonNode root, String key, boolean fallback) {
        return value(root, key, fallback, JsonNode::isBoolean, JsonNode::booleanValue, "true or false");
    }

    private static int integer(JsonNode root, String key, int fallback) {
        return value(root, key, fallback, v -> v.isIntegralNumber() && v.canConvertToInt(), JsonNode::intValue,
                "a whole number");
    }

    private static double number(JsonNode root, String key, double fallback) {
        return value(root, key, fallback, JsonNode::isNumber, JsonNode::doubleValue, "a number of seconds");
    }

    /** The key's value, {@code fallback} when absent or null, a one-line error when it is not {@code what}. */
    private static <T> T value(JsonNode root, String key, T fallback, java.util.function.Predicate<JsonNode> valid,
                               java.util.function.Function<JsonNode, T> read, String what) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!valid.test(v)) {
            throw new UsageException(key + " must be " + what);
        }
        return read.apply(v);
    }
}
