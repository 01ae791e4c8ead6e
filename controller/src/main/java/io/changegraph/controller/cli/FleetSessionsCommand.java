package io.changegraph.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.UsageException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sessions", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Lists sessions of every host the hub holds, newest first (a user sees their own only)."},
        footer = {"", "Example: changegraph fleet sessions --host 'web-*' --since 1d --command 'deploy.sh*'"})
final class FleetSessionsCommand implements Callable<Integer> {
    static final int DEFAULT_LIMIT = 200;

    @Option(names = "--host", paramLabel = "GLOB", description = "only hosts matching GLOB (* and ?)")
    String host;

    @Option(names = "--user", paramLabel = "USER", description = "only this user's sessions")
    String user;

    @Option(names = "--since", paramLabel = "T",
            description = "only sessions started after T: a time, a date (UTC) or an age (30m, 12h, 7d)")
    String since;

    @Option(names = "--command", paramLabel = "GLOB", description = "only sessions whose command line matches GLOB")
    String command;

    @Option(names = "--limit", paramLabel = "N", description = "at most N sessions (default ${DEFAULT-VALUE})",
            defaultValue = "" + DEFAULT_LIMIT)
    int limit;

    @Option(names = "--json", description = "the hub's answer as JSON instead of a table")
    boolean json;

    @Mixin
    HubOptions hubOptions;

    @Override
    public Integer call() {
        if (limit < 1 || limit > 10_000) {
            throw new UsageException("--limit " + limit + ": give 1 to 10000");
        }
        SessionQueries.since(since, java.time.Instant.now());   // one clear line for a bad --since, before asking
        Map<String, String> query = new LinkedHashMap<>();
        query.put("host", host);
        query.put("user", user);
        query.put("since", since);
        query.put("command", command);
        query.put("limit", Integer.toString(limit));
        JsonNode answer = hubOptions.client().get("/api/v1/fleet/sessions", query);
        if (json) {
            System.out.println(answer.toPrettyString());
        } else {
            System.out.print(FleetTables.sessions(answer));
        }
        System.out.flush();
        return ExitCodes.OK;
    }
}
