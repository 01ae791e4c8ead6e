package io.changegraph.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Instant;
import java.util.Objects;

/**
 * One agent's registration ({@code /changegraph/hosts/HOST}, under the agent's lease: it disappears within the
 * lease's TTL when the agent dies).
 *
 * @param rulesRevision  the etcd revision of the rules it runs, 0: its local rules file (no fleet rules yet)
 * @param configRevision the same for the fleet configuration
 * @param cpuPercent     the agent process' CPU since the last report, in percent of one CPU
 * @param rssBytes       the agent process' resident memory
 */
public record HostStatus(String host, String version, String group, long rulesRevision, String rulesDigest,
                         long configRevision, int liveSessions, double cpuPercent, long rssBytes,
                         double eventsPerSecond, long losses, String degradation, Instant updated) {
    public HostStatus {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(rulesDigest, "rulesDigest");
        Objects.requireNonNull(degradation, "degradation");
        Objects.requireNonNull(updated, "updated");
        if (rulesRevision < 0 || configRevision < 0 || liveSessions < 0 || cpuPercent < 0 || rssBytes < 0
                || eventsPerSecond < 0 || losses < 0) {
            throw new IllegalArgumentException("negative value in the status of " + host);
        }
    }

    String toJson() {
        ObjectNode n = Release.JSON.createObjectNode();
        n.put("host", host).put("version", version).put("group", group).put("rules_revision", rulesRevision)
                .put("rules_digest", rulesDigest).put("config_revision", configRevision)
                .put("live_sessions", liveSessions).put("cpu_percent", Math.round(cpuPercent * 100) / 100.0)
                .put("rss_bytes", rssBytes).put("events_per_second", Math.round(eventsPerSecond * 10) / 10.0)
                .put("losses", losses).put("degradation", degradation).put("updated", updated.toString());
        return n.toString();
    }

    static HostStatus fromJson(String json) throws IOException {
        JsonNode n = Release.JSON.readTree(json);
        try {
            return new HostStatus(n.get("host").asText(), n.get("version").asText(), n.get("group").asText(),
                    n.get("rules_revision").asLong(), n.get("rules_digest").asText(), n.get("config_revision").asLong(),
                    n.get("live_sessions").asInt(), n.get("cpu_percent").asDouble(), n.get("rss_bytes").asLong(),
                    n.get("events_per_second").asDouble(), n.get("losses").asLong(), n.get("degradation").asText(),
                    Instant.parse(n.get("updated").asText()));
        } catch (RuntimeException e) {
            throw new IOException("not a host registration: " + e.getMessage(), e);
        }
    }
}
