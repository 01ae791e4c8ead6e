package io.changegraph.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changegraph.repository.formats.GraphFormatException;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.io.JsonMappers;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Summary;
import java.time.Instant;
import java.util.List;

/**
 * Reads a stored impact summary (the {@code summary} section of {@code changegraph/v1}, as agents push it) with
 * the repository's own graph reader, so the hub accepts exactly what {@code changegraph summary} writes.
 */
final class FleetSummaries {
    private FleetSummaries() {
    }

    /** The summary in {@code json} (a summary section, or a whole {@code changegraph-summary/v1} body). */
    static Summary parse(String json) {
        try {
            JsonNode tree = JsonMappers.SORTED.readTree(json);
            JsonNode section = tree.has("summary") && tree.get("summary").isObject() ? tree.get("summary") : tree;
            ObjectNode document = JsonMappers.SORTED.createObjectNode();
            document.put("schema", GraphDocument.SCHEMA);
            document.set("session", JsonMappers.SORTED.valueToTree(GraphJson.sessionFields(
                    new Session("summary", "", "", 0, List.of(), Instant.EPOCH, null))));
            document.putObject("stats").put("events", 0).put("lost_kernel", 0).put("dropped_user", 0);
            document.putArray("nodes");
            document.putArray("edges");
            document.putArray("alerts");
            document.set("summary", section);
            Summary summary = GraphJson.fromJson(JsonMappers.SORTED.writeValueAsString(document)).summary();
            if (summary == null) {
                throw new IllegalArgumentException("not an impact summary");
            }
            return summary;
        } catch (GraphFormatException e) {
            throw new IllegalArgumentException("not an impact summary: " + e.getMessage());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not an impact summary: " + e.getOriginalMessage());
        }
    }
}
