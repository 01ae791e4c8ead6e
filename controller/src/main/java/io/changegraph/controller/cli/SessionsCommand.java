package io.changegraph.controller.cli;

import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.agent.AgentProtocol;
import io.changegraph.controller.config.AgentConfig;
import io.changegraph.repository.io.TerminalText;
import io.changegraph.repository.store.SessionRecord;
import io.changegraph.repository.store.SessionStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "sessions", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Lists recorded sessions: yours, or everybody's for root. Asks the agent; root can also read"
                + " the store directly when the agent is down."},
        footer = {"", "Example: changegraph sessions --user alice --since 7d"})
final class SessionsCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Option(names = "--user", paramLabel = "USER", description = "only this user's sessions")
    String user;

    @Option(names = "--since", paramLabel = "T",
            description = "only sessions still running or ended after T: a time, a date (UTC) or an age (30m, 12h, 7d)")
    String since;

    @Option(names = "--json", description = "one JSON object per line instead of a table")
    boolean json;

    @Option(names = "--config", paramLabel = "FILE",
            description = "configuration (default $CHANGEGRAPH_CONFIG, else /etc/changegraph/config.yaml)")
    Path config;

    @Override
    public Integer call() {
        List<SessionRecord> sessions = new SessionQueries(AgentConfig.load(config))
                .list(user, SessionQueries.since(since, Instant.now()));
        if (json) {
            sessions.forEach(s -> System.out.println(AgentProtocol.write(SessionStore.toMap(s))));
            return ExitCodes.OK;
        }
        String format = "%-40s %-11s %-12s %-10s %-15s %-8s %-19s %-19s %8s %6s %7s  %s%n";
        System.out.printf(format, "ID", "STATE", "HOST", "USER", "CLIENT", "TTY", "STARTED (UTC)", "ENDED (UTC)",
                "EVENTS", "LOST", "DROPPED", "COMMAND");
        for (SessionRecord s : sessions) {
            String state = s.state().wireName() + (s.resumed() > 0 ? "*" : "");
            // every text field can be the user's own (argv, tty, client, even the host name): escaped
            System.out.printf(format, safe(s.id()), state, safe(s.host()), safe(s.user()),
                    s.client().isEmpty() ? "-" : safe(s.client().split(" ")[0]),
                    s.tty().isEmpty() ? "-" : safe(s.tty().replace("/dev/", "")), TIME.format(s.started()),
                    s.ended() == null ? "-" : TIME.format(s.ended()), s.stats().events(), s.stats().lostKernel(),
                    s.stats().droppedUser(), safe(String.join(" ", s.command())));
        }
        System.out.flush();
        if (sessions.stream().anyMatch(s -> s.resumed() > 0)) {
            System.out.println("* followed again after an agent restart: what happened while it was down is missing");
        }
        return ExitCodes.OK;
    }

    private static String safe(String text) {
        return TerminalText.line(text);
    }
}
