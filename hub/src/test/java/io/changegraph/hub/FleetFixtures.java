package io.changegraph.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.io.JsonMappers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The recorded deploy fixtures (examples/deploy.sh --env canary|production, summarised with
 * {@code Impact.summarise}, evidence lists trimmed) as fleet runs: canary-1, and web-1..3 where web-2 deviates
 * (installs myapp 1.0-2, skips the cron job, downloads a helper from 203.0.113.7:443). Every host also created
 * {@code /var/lib/myapp/by-host/HOSTNAME}, which normalisation must read as the same file.
 */
final class FleetFixtures {
    private FleetFixtures() {
    }

    static FleetRun run(String host) {
        try (InputStream in = FleetFixtures.class.getResourceAsStream("/fleet/" + host + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + host);
            }
            JsonNode tree = JsonMappers.SORTED.readTree(in);
            JsonNode session = tree.get("session");
            List<String> command = new ArrayList<>();
            session.get("command").forEach(arg -> command.add(arg.asText()));
            return new FleetRun(session.get("host").asText(), session.get("id").asText(), session.get("user").asText(), 0,
                    command, Instant.parse(session.get("started").asText()), Instant.parse(session.get("ended").asText()),
                    "ended", FleetSummaries.parse(JsonMappers.SORTED.writeValueAsString(tree.get("summary"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
