package io.changegraph.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.UsageException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "diff", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compares one canary session with the same change on production hosts, in impact terms:"
                + " per host what it did that the canary did not (extra) and what it skipped (missing), the most"
                + " deviating host first. Exit code 0: no host deviates; 1: some host does."},
        footer = {"", "Example: changegraph fleet diff --canary canary-1/20261206T061411Z-canary-1-3918 --production 'web-*'"})
final class FleetDiffCommand implements Callable<Integer> {
    static final Pattern KEY = Pattern.compile("[^/\\s]+/[^/\\s]+");
    static final Pattern WINDOW = Pattern.compile("[1-9][0-9]{0,4}[mhd]");

    @Option(names = "--canary", paramLabel = "HOST/SESSION", required = true, description = "the canary's session")
    String canary;

    @Option(names = "--production", paramLabel = "HOSTGLOB", description = "production hosts (* and ?); default every"
            + " other host")
    String production;

    @Option(names = "--command", paramLabel = "GLOB", description = "the production sessions' command line (default:"
            + " the canary's program name and *, e.g. deploy.sh*)")
    String command;

    @Option(names = "--window", paramLabel = "AGE", description = "production sessions that started at most AGE after"
            + " the canary (30m, 6h, 2d; default 6h)")
    String window;

    @Option(names = "--sessions", paramLabel = "HOST/SESSION", split = ",",
            description = "compare with exactly these sessions instead of matching by command and window")
    List<String> sessions;

    @Option(names = "--json", description = "the hub's answer as JSON instead of tables")
    boolean json;

    @Mixin
    HubOptions hubOptions;

    @Override
    public Integer call() {
        if (!KEY.matcher(canary).matches()) {
            throw new UsageException("--canary '" + canary + "': give HOST/SESSION (as 'changegraph fleet sessions' lists them)");
        }
        if (window != null && !WINDOW.matcher(window).matches()) {
            throw new UsageException("--window '" + window + "': give an age such as 30m, 6h or 2d");
        }
        if (sessions != null) {
            for (String session : sessions) {
                if (!KEY.matcher(session).matches()) {
                    throw new UsageException("--sessions '" + session + "': give HOST/SESSION[,HOST/SESSION...]");
                }
            }
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("canary", canary);
        query.put("production", production == null ? "*" : production);
        query.put("command", command);
        query.put("window", window);
        query.put("sessions", sessions == null ? null : String.join(",", sessions));
        JsonNode answer = hubOptions.client().get("/api/v1/fleet/diff", query);
        if (json) {
            System.out.println(answer.toPrettyString());
        } else {
            System.out.print(FleetTables.diff(answer));
        }
        System.out.flush();
        return answer.path("deviating").isEmpty() ? ExitCodes.OK : ExitCodes.FOUND;
    }
}
