package io.changegraph.controller.cli;

import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.UsageException;
import io.changegraph.hub.Hub;
import io.changegraph.hub.HubConfig;
import io.changegraph.hub.HubStartException;
import io.changegraph.web.WebStartException;
import io.changegraph.web.WebUsers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code changegraph hub --db postgresql://USER@HOST:PORT/DB --listen ADDR:PORT --tls-cert hub.crt --tls-key hub.key
 * --client-ca ca.crt [--users-file FILE] [--token-env VAR | --token-file FILE] [--retention-days N]}: the fleet hub,
 * until interrupted.
 * See docs/fleet.md.
 */
@Command(name = "hub", mixinStandardHelpOptions = true,
        description = {"Run the fleet hub: agents push their sessions over mutual TLS, PostgreSQL keeps them,",
                "and the fleet query API (changegraph fleet ...) reads them. The database password comes from PGPASSWORD."})
public final class HubCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--db", required = true, paramLabel = "URL", description = "postgresql://USER@HOST:PORT/DB")
    String db;

    @Option(names = "--listen", defaultValue = "127.0.0.1:7443", paramLabel = "ADDR:PORT",
            description = "address and port of the HTTPS server (default ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--tls-cert", required = true, paramLabel = "FILE", description = "the hub's certificate (PEM)")
    Path tlsCert;

    @Option(names = "--tls-key", required = true, paramLabel = "FILE", description = "its private key (PEM, PKCS#8)")
    Path tlsKey;

    @Option(names = "--client-ca", required = true, paramLabel = "FILE",
            description = "the fleet CA: agents need a certificate it signed; the CN is the host's name")
    Path clientCa;

    @Option(names = "--users-file", paramLabel = "FILE",
            description = "users of the query API (as for serve): admin and auditor see every host, user their own uid's sessions")
    Path usersFile;

    @Option(names = "--token-env", paramLabel = "VAR", description = "read an admin token for the query API from VAR")
    String tokenEnv;

    @Option(names = "--token-file", paramLabel = "FILE", description = "read an admin token for the query API from FILE")
    Path tokenFile;

    @Option(names = "--retention-days", paramLabel = "N", defaultValue = "" + HubConfig.DEFAULT_RETENTION_DAYS,
            description = "delete sessions that ended more than N days ago, with their events and graph (default"
                    + " ${DEFAULT-VALUE}, as the agent's store; 0 keeps everything)")
    int retentionDays;

    @Override
    public Integer call() throws InterruptedException {
        Hub hub;
        HubConfig config;
        try {
            config = HubConfig.listen(listen, db, System.getenv("PGPASSWORD"), tlsCert, tlsKey, clientCa, token(),
                    usersFile == null ? null : WebUsers.read(usersFile)).withRetentionDays(retentionDays);
            hub = Hub.start(config);
        } catch (HubStartException | WebStartException e) {
            throw new UsageException(e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            hub.close();
            stopped.countDown();
        }, "changegraph-hub-stop"));
        PrintWriter out = spec.commandLine().getOut();
        String host = config.bind().contains(":") ? "[" + config.bind() + "]" : config.bind();
        out.println("changegraph hub: listening on https://" + host + ":" + hub.port()
                + " (ingest: client certificates of " + clientCa + "; query API: "
                + (config.token() == null && config.users() == null ? "loopback, no token" : "tokens") + ")");
        out.flush();
        stopped.await();
        return ExitCodes.OK;
    }

    private String token() {
        return TokenSource.read(tokenEnv, tokenFile);
    }
}
