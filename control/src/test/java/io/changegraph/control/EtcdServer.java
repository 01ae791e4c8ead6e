package io.changegraph.control;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real etcd from scripts/etcd.sh in a temporary directory, on a free port of 23790-23799 (peer +10). */
final class EtcdServer implements AutoCloseable {
    final Path dir;
    final int port;
    final Path certs;
    final URI endpoint;

    private EtcdServer(Path dir, int port, Path certs) {
        this.dir = dir;
        this.port = port;
        this.certs = certs;
        this.endpoint = URI.create((certs == null ? "http" : "https") + "://127.0.0.1:" + port);
    }

    static Path repo() {
        String r = System.getenv("CHANGEGRAPH_REPO");
        return r != null ? Path.of(r) : Path.of("..").toAbsolutePath().normalize();
    }

    static EtcdServer start(Path dir) throws IOException, InterruptedException {
        return start(dir, null);
    }

    /** With TLS and auth when {@code hosts} is not null: certificates and users from scripts/etcd-setup.sh. */
    static EtcdServer start(Path dir, List<String> hosts) throws IOException, InterruptedException {
        Path certs = null;
        if (hosts != null) {
            certs = dir.resolve("certs");
            List<String> cmd = new ArrayList<>(List.of(repo().resolve("scripts/etcd-setup.sh").toString(), "certs",
                    certs.toString()));
            cmd.addAll(hosts);
            run(cmd);
        }
        for (int port = 23790; port <= 23799; port++) {
            if (free(port) && free(port + 10)) {
                EtcdServer s = new EtcdServer(dir, port, certs);
                s.start();
                if (hosts != null) {
                    List<String> cmd = new ArrayList<>(List.of(repo().resolve("scripts/etcd-setup.sh").toString(), "auth",
                            s.endpoint.toString(), certs.toString()));
                    cmd.addAll(hosts);
                    run(cmd);
                }
                return s;
            }
        }
        throw new IllegalStateException("no free port pair in 23790-23799 / 23800-23809");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    void start() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(repo().resolve("scripts/etcd.sh").toString(), "start",
                dir.toString(), Integer.toString(port)));
        if (certs != null) {
            cmd.addAll(List.of("--tls", certs.toString()));
        }
        run(cmd);
    }

    void stop() throws IOException, InterruptedException {
        run(List.of(repo().resolve("scripts/etcd.sh").toString(), "stop", dir.toString()));
    }

    /** Settings of a client: plain, or TLS with the certificate of {@code user} (root, operator, host-NAME). */
    ControlSettings settings(String user, String group) {
        if (certs == null) {
            return ControlSettings.plain(List.of(endpoint)).withGroup(group);
        }
        return new ControlSettings(List.of(endpoint), certs.resolve("ca.pem"), certs.resolve(user + ".pem"),
                certs.resolve(user + "-key.pem"), null, null, group, 3);
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " failed: " + out);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop();
    }

    static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory
        }
    }
}
