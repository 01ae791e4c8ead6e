package io.changegraph.controller.cli;

import io.changegraph.controller.os.Host;
import io.changegraph.controller.config.AgentConfig;
import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.UsageException;
import io.changegraph.control.ControlSettings;
import io.changegraph.control.Fleet;
import io.changegraph.control.FleetException;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * How a {@code fleet} command reaches etcd: {@code --endpoints} (or {@code CHANGEGRAPH_ETCD}) with the TLS and user
 * options, else the {@code control:} section of the agent's config.yaml ({@code --config}).
 */
final class FleetOptions {
    @Option(names = "--endpoints", paramLabel = "URLS",
            description = "etcd client URLs, comma-separated (default $CHANGEGRAPH_ETCD, else control.endpoints of the config)")
    String endpoints;

    @Option(names = "--ca", paramLabel = "PEM", description = "the CA of etcd's certificate (https)")
    Path ca;

    @Option(names = "--cert", paramLabel = "PEM", description = "a client certificate (its common name is the etcd user)")
    Path cert;

    @Option(names = "--key", paramLabel = "PEM", description = "the client certificate's key (PKCS#8)")
    Path key;

    @Option(names = "--user", paramLabel = "NAME", description = "an etcd user (with --password-file)")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE", description = "the etcd user's password")
    Path passwordFile;

    @Option(names = "--config", paramLabel = "FILE",
            description = "read control: from this config (default $CHANGEGRAPH_CONFIG, else /etc/changegraph/config.yaml)")
    Path config;

    ControlSettings settings() {
        String given = endpoints != null ? endpoints : System.getenv("CHANGEGRAPH_ETCD");
        try {
            if (given != null && !given.isBlank()) {
                return new ControlSettings(ControlSettings.endpointList(given), abs(ca), abs(cert), abs(key), user,
                        abs(passwordFile), null, ControlSettings.DEFAULT_LEASE_SECONDS);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage().replace("control.", "--").replace("_", "-"));
        }
        ControlSettings fromFile = AgentConfig.load(config).control();
        if (fromFile == null) {
            throw new UsageException("no etcd to talk to: give --endpoints http://HOST:PORT (or set CHANGEGRAPH_ETCD,"
                    + " or control.endpoints in config.yaml; see docs/control.md)");
        }
        return fromFile;
    }

    private static Path abs(Path p) {
        return p == null ? null : p.toAbsolutePath();
    }

    /** A connection to the fleet; failures as one-line usage errors. */
    Fleet connect() {
        try {
            return Fleet.connect(settings());
        } catch (FleetException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** {@code user@host} of whoever runs the command (the sudo user's name under sudo). */
    static String who() {
        String sudo = System.getenv("SUDO_USER");
        String user = sudo != null && !sudo.isBlank() ? sudo : System.getProperty("user.name");
        return user + "@" + Host.name();
    }
}
