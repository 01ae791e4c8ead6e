package io.changegraph.control;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.netty.GrpcSslContexts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Builds the jetcd client of {@link ControlSettings}; turns etcd's failures into one-line {@link FleetException}s. */
final class EtcdConnection {
    /** How long one etcd request may take before the operation fails (the agent then reconnects with backoff). */
    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private EtcdConnection() {
    }

    static Client open(ControlSettings s) {
        ClientBuilder b = Client.builder().endpoints(s.endpoints().toArray(java.net.URI[]::new))
                .connectTimeout(Duration.ofSeconds(2)).retryMaxAttempts(2).retryDelay(100).retryMaxDelay(500)
                .keepaliveTime(Duration.ofSeconds(30)).keepaliveTimeout(Duration.ofSeconds(5));
        try {
            if (s.ca() != null) {
                var ssl = GrpcSslContexts.forClient().trustManager(s.ca().toFile());
                if (s.cert() != null) {
                    ssl.keyManager(s.cert().toFile(), s.key().toFile());
                }
                b.sslContext(ssl.build());
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new FleetException("cannot use the etcd TLS files (" + s.ca() + (s.cert() == null ? "" : ", "
                    + s.cert() + ", " + s.key()) + "): " + e.getMessage() + " (PEM files; the key PKCS#8, as"
                    + " scripts/etcd-setup.sh writes them)");
        }
        if (s.user() != null) {
            String password;
            try {
                password = Files.readString(s.passwordFile(), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new FleetException("cannot read the etcd password file " + s.passwordFile() + ": " + e.getMessage());
            }
            b.user(Keys.bytes(s.user())).password(Keys.bytes(password));
        }
        return b.build();
    }

    /** The future's value within {@link #TIMEOUT}; etcd's error as a one-line {@link FleetException}. */
    static <T> T await(Future<T> f, String what) {
        try {
            return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new FleetException(what + ": etcd did not answer within " + TIMEOUT.toSeconds()
                    + " s (is it running? check control.endpoints / --endpoints)", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            while (c.getCause() != null && c.getMessage() != null && c.getMessage().equals(c.getCause().toString())) {
                c = c.getCause();
            }
            String m = String.valueOf(c.getMessage());
            if (m.contains("permission denied") || m.contains("PERMISSION_DENIED")) {
                throw new FleetException(what + ": etcd says permission denied (this user's role may not do it;"
                        + " see docs/control.md, roles)", c);
            }
            throw new FleetException(what + ": " + m, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FleetException(what + ": interrupted", e);
        }
    }
}
