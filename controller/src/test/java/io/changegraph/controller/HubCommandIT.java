package io.changegraph.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code changegraph hub} as an operator runs it (bin/changegraph): one line and exit 2 for every bad input before
 * anything listens; with a real PostgreSQL (scripts/postgres.sh) it serves until SIGTERM and exits 0.
 */
class HubCommandIT {
    @TempDir
    static Path dir;
    static Path certs;

    @BeforeAll
    static void certificates() throws Exception {
        certs = dir.resolve("certs");
        script("fleet-certs.sh", certs.toString(), "web1");
    }

    static String script(String name, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", repo().resolve("scripts/" + name).toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.strip();
    }

    static Path repo() {
        return Recording.launcher().toAbsolutePath().getParent().getParent();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static List<String> hub(String db, String listen, String cert, String key, String ca) {
        return List.of("hub", "--db", db, "--listen", listen, "--tls-cert", certs.resolve(cert).toString(),
                "--tls-key", certs.resolve(key).toString(), "--client-ca", certs.resolve(ca).toString());
    }

    static void assertOneLineError(List<String> args, String contains) throws Exception {
        Recording r = Recording.run(null, args.toArray(String[]::new));
        assertThat(r.exitCode).as(r.stderr).isEqualTo(2);
        assertThat(r.stderr.strip()).doesNotContain("\n").doesNotContain("Exception").contains(contains);
    }

    @Test
    void hub_badInputs_areOneLineExit2() throws Exception {
        String unreachable = "postgresql://cg@127.0.0.1:" + freePort() + "/changegraph";
        String listen = "127.0.0.1:" + freePort();
        assertOneLineError(hub(unreachable, listen, "hub.crt", "hub.key", "ca.crt"), "cannot connect to the database");
        assertOneLineError(hub(unreachable, listen, "missing.crt", "hub.key", "ca.crt"), "missing.crt does not exist");
        assertOneLineError(hub(unreachable, listen, "hub.crt", "web1.key", "ca.crt"), "does not belong to certificate");
        assertOneLineError(hub(unreachable, listen, "hub.crt", "hub.key", "hub.key"), "is not a PEM certificate");
        assertOneLineError(hub("mysql://cg@db/x", listen, "hub.crt", "hub.key", "ca.crt"), "the scheme must be postgresql");
        assertOneLineError(hub(unreachable, "0.0.0.0:" + freePort(), "hub.crt", "hub.key", "ca.crt"), "without a token");
        assertOneLineError(hub(unreachable, "127.0.0.1:http", "hub.crt", "hub.key", "ca.crt"), "port is not a number");
    }

    @Test
    void hub_withPostgres_servesUntilSigterm_exit0() throws Exception {
        Path pg = Files.createTempDirectory("changegraph-hub-cmd-pg-");
        String url = script("postgres.sh", "start", pg.toString(), Integer.toString(freePort()));
        try {
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(Recording.launcher().toString()));
            command.addAll(hub(url, "127.0.0.1:" + port, "hub.crt", "hub.key", "ca.crt"));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(Map.of("PGPASSWORD", Files.readString(pg.resolve("password")).strip()));
            Process hub = builder.start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8));
                String line = out.readLine();
                assertThat(line).startsWith("changegraph hub: listening on https://127.0.0.1:" + port);
                Recording wrongPassword = Recording.run(Map.of("PGPASSWORD", "wrong"), null,
                        hub(url, "127.0.0.1:" + freePort(), "hub.crt", "hub.key", "ca.crt").toArray(String[]::new));
                assertThat(wrongPassword.exitCode).isEqualTo(2);
                assertThat(wrongPassword.stderr).contains("password authentication failed");
                Recording inUse = Recording.run(Map.of(), null,
                        hub(url, "127.0.0.1:" + port, "hub.crt", "hub.key", "ca.crt").toArray(String[]::new));
                assertThat(inUse.exitCode).isEqualTo(2);
                assertThat(inUse.stderr.strip()).doesNotContain("\n").contains("cannot listen on 127.0.0.1:" + port);
                hub.destroy();   // SIGTERM: the shutdown hook closes the server and the pool
                assertThat(hub.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(hub.exitValue()).isIn(0, 143);
            } finally {
                hub.destroyForcibly();
            }
        } finally {
            script("postgres.sh", "stop", pg.toString());
            try (var walk = Files.walk(pg)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
