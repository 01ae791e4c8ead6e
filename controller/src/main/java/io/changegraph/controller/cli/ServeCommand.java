package io.changegraph.controller.cli;

import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.UsageException;
import io.changegraph.repository.diff.DiffOptions;
import io.changegraph.web.WebConfig;
import io.changegraph.web.WebServer;
import io.changegraph.web.WebStartException;
import io.changegraph.web.WebUsers;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code changegraph serve [FILE.json|DIR ...] [--port 7070] [--bind 127.0.0.1] [--token-env VAR | --token-file FILE]
 * [--users-file FILE] [--diff CANARY PROD]}: the
 * read-only web viewer over graph files, until interrupted. See docs/web.md.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the web viewer: sessions, live change-impact graphs, alerts and diffs.",
                "Serves each FILE.json and every *.json graph in each DIR (default "
                        + ServeCommand.DEFAULT_DIR + " when it exists); graphs still being recorded update live."})
public final class ServeCommand implements Callable<Integer> {
    static final String DEFAULT_DIR = "/var/lib/changegraph/graphs";

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE.json|DIR", arity = "0..*", description = "graph files and directories of graph files")
    List<Path> sources = new ArrayList<>();

    @Option(names = "--port", defaultValue = "" + WebConfig.DEFAULT_PORT, description = "TCP port (default ${DEFAULT-VALUE}; 0 = any free)")
    int port;

    @Option(names = "--bind", defaultValue = WebConfig.DEFAULT_BIND,
            description = "address to listen on (default ${DEFAULT-VALUE}); any other than loopback needs a token")
    String bind;

    @Option(names = "--token-env", paramLabel = "VAR", description = "read the access token from environment variable VAR")
    String tokenEnv;

    @Option(names = "--token-file", paramLabel = "FILE", description = "read the access token from FILE (first line)")
    Path tokenFile;

    @Option(names = "--users-file", paramLabel = "FILE",
            description = "users (YAML or .json): name, token_sha256, role admin|auditor|user, uid; a user sees only"
                    + " the sessions the store says they own")
    Path usersFile;

    @Option(names = "--diff", arity = "2", paramLabel = "GRAPH.json",
            description = "open CANARY.json and PRODUCTION.json as one union diff graph")
    List<Path> diff;

    @Option(names = "--netwatch", paramLabel = "FILE",
            description = "the netwatch page's JSON lines (netwatch --json, the agent's STORE/netwatch.jsonl); default:"
                    + " netwatch.jsonl beside a served store's graphs directory")
    Path netwatch;

    @Mixin
    DiffOptionArgs diffOptions = new DiffOptionArgs();

    @Override
    public Integer call() throws InterruptedException {
        WebConfig config;
        WebServer server;
        try {
            DiffOptions options;
            try {
                options = diffOptions.options();
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            config = new WebConfig(bind, port, token(), servedSources(), diffPair(),
                    usersFile == null ? null : WebUsers.read(usersFile)).withDiffOptions(options);
            if (netwatch != null) {
                if (Files.isDirectory(netwatch)) {
                    throw new UsageException("--netwatch " + netwatch + " is a directory: give the JSON lines file"
                            + " (e.g. /var/lib/changegraph/netwatch.jsonl)");
                }
                config = config.withNetwatch(netwatch);
            }
            server = WebServer.start(config);
        } catch (WebStartException e) {
            throw new UsageException(e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "changegraph-serve-stop"));
        String host = displayHost();
        PrintWriter out = spec.commandLine().getOut();
        out.println("changegraph serve: open http://" + host + ":" + server.port() + server.startPage()
                + (config.token() == null && config.users() == null ? "" : " (first time with ?token=<token> added, or send Authorization: Bearer)"));
        out.flush();
        stopped.await();
        return ExitCodes.OK;
    }

    /** Where a browser reaches the server: the machine's name for a wildcard bind, else the bind address. */
    private String displayHost() {
        if (bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]")) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return bind;
            }
        }
        return bind.contains(":") ? "[" + bind + "]" : bind;
    }

    private List<Path> servedSources() {
        if (!sources.isEmpty() || diff != null) {
            for (Path source : sources) {   // a FIFO or a device would be skipped silently: say so now
                if (Files.exists(source) && !Files.isDirectory(source) && !Files.isRegularFile(source)) {
                    throw new UsageException(source + " is not a regular file or a directory: give graph files"
                            + " or directories of them");
                }
            }
            return sources;
        }
        Path defaultDir = Path.of(DEFAULT_DIR);
        if (!Files.isDirectory(defaultDir)) {
            throw new UsageException("no graphs to serve: give FILE.json or DIR (" + DEFAULT_DIR + " does not exist)");
        }
        return List.of(defaultDir);
    }

    private Optional<WebConfig.DiffPair> diffPair() {
        return diff == null ? Optional.empty() : Optional.of(new WebConfig.DiffPair(diff.get(0), diff.get(1)));
    }

    private String token() {
        return TokenSource.read(tokenEnv, tokenFile);
    }
}
