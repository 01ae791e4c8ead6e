package io.changegraph.controller.config;

import io.changegraph.repository.io.JsonMappers;
import io.changegraph.controller.UsageException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changegraph.repository.io.BadInputException;
import io.changegraph.repository.io.YamlReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * The part of config.yaml the fleet may push ({@code changegraph fleet config push}): keys that are not the host's
 * own (its socket, store, CPU, rules file and etcd settings stay in its file). A pushed file is validated by
 * {@link AgentConfig#parse} like config.yaml itself, then overlaid on each host's own file: the per-user limits of
 * registrations and live sessions apply at once; the other keys (payload capture, connections per user, retention,
 * netwatch) at the agent's next start, which reads the last good fleet config from its cache before anything else.
 */
public final class FleetConfig {
    /** Keys a push may hold. */
    public static final Set<String> PUSHABLE = Set.of("fail_closed", "retention_days", "flush_interval", "payload_bytes",
            "max_connections_per_user", "max_registrations_per_minute", "max_sessions_per_user", "netwatch",
            "netwatch_interval", "hub", "protection", "metrics");

    private FleetConfig() {
    }

    /**
     * Validates a pushed text like config.yaml, refusing the host's own keys.
     *
     * @throws UsageException one line naming the file, the key and what to do
     */
    public static ObjectNode check(String text, String name) {
        JsonNode root;
        try {
            root = YamlReader.readTree(text, name);
        } catch (BadInputException e) {
            throw new UsageException(e.getMessage());
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new UsageException(name + ": expected keys like 'payload_bytes: 0' (pushable: "
                    + String.join(", ", new TreeSet<>(PUSHABLE)) + ")");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!PUSHABLE.contains(key)) {
                throw new UsageException(name + ": '" + key + "' cannot be pushed to the fleet" + (isConfigKey(key)
                        ? " (it is each host's own: set it in its config.yaml)" : " (unknown key)") + "; pushable: "
                        + String.join(", ", new TreeSet<>(PUSHABLE)));
            }
        }
        AgentConfig.parse(root.toString(), Path.of(name));   // the values, exactly as config.yaml's
        return (ObjectNode) root;
    }

    private static boolean isConfigKey(String key) {
        try {
            AgentConfig.parse("{\"" + key + "\": null}", Path.of("x"));
            return true;
        } catch (UsageException e) {
            return false;
        }
    }

    /** The host's own configuration with a pushed text laid over it; the host's file stays its source. */
    public static AgentConfig overlay(AgentConfig local, String pushed) {
        ObjectNode fleet = check(pushed, "fleet config");
        ObjectNode merged;
        try {
            JsonNode own = local.source() == null || !Files.isRegularFile(local.source()) ? null
                    : YamlReader.readTree(YamlReader.readFile(local.source(), "config file"), local.source().toString());
            merged = own instanceof ObjectNode o ? o : JsonMappers.SORTED.createObjectNode();
        } catch (BadInputException | IOException e) {
            throw new UsageException("cannot read config file " + local.source() + ": " + e.getMessage());
        }
        merged.setAll(fleet);
        return AgentConfig.parse(merged.toString(), local.source() == null ? AgentConfig.DEFAULT_FILE : local.source());
    }
}
