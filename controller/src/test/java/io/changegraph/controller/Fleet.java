package io.changegraph.controller;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A fleet on this machine, made with the project's own scripts as an operator would: a private PostgreSQL
 * 15 cluster ({@code scripts/postgres.sh}), the fleet's certificates ({@code scripts/fleet-certs.sh}) and
 * {@code changegraph hub} as a process of its own (so it can be killed with SIGKILL and started again on the
 * same port). Agents are {@link AgentProcess}es, each in a UTS namespace with its own host name.
 */
final class Fleet implements AutoCloseable {
    final Path repo = Recording.launcher().toAbsolutePath().getParent().getParent();
    final Path pgDir;
    final Path certs;
    final int pgPort;
    final int hubPort;
    final String dbUrl;
    final String dbPassword;
    final Path hubLog;
    private Process hub;
    private int hubStarts;

    Fleet(Path dir, String... hosts) throws IOException, InterruptedException {
        // PostgreSQL runs as user postgres: its directory must not be under a 0700 JUnit temp directory
        this.pgDir = Files.createTempDirectory("changegraph-fleet-pg-");
        this.certs = dir.resolve("certs");
        this.hubLog = dir.resolve("hub.log");
        this.pgPort = freePort();
        this.hubPort = freePort();
        List<String> certArgs = new ArrayList<>(List.of(certs.toString()));
        certArgs.addAll(List.of(hosts));
        script("fleet-certs.sh", certArgs);
        this.dbUrl = script("postgres.sh", List.of("start", pgDir.toString(), Integer.toString(pgPort))).strip();
        this.dbPassword = Files.readString(pgDir.resolve("password"), StandardCharsets.UTF_8).strip();
    }

    /** {@code changegraph hub} on {@link #hubPort}; waits for its "listening" line. */
    Fleet startHub() throws IOException, InterruptedException {
        hubStarts++;
        ProcessBuilder pb = new ProcessBuilder(Recording.launcher().toString(), "hub", "--db", dbUrl, "--listen",
                "127.0.0.1:" + hubPort, "--tls-cert", certs.resolve("hub.crt").toString(), "--tls-key",
                certs.resolve("hub.key").toString(), "--client-ca", certs.resolve("ca.crt").toString());
        pb.environment().put("PGPASSWORD", dbPassword);
        hub = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(hubLog.toFile())).start();
        int expected = hubStarts;
        AgentProcess.await("hub listening (" + hubLog + ")", () -> {
            if (!hub.isAlive()) {
                throw new AssertionError("the hub exited: " + read(hubLog));
            }
            return read(hubLog).lines().filter(l -> l.contains("listening on https://")).count() >= expected;
        }, 60);
        return this;
    }

    /** SIGKILL: no shutdown hook, no goodbye to PostgreSQL. */
    void killHub() throws InterruptedException {
        hub.destroyForcibly();
        hub.waitFor(10, TimeUnit.SECONDS);
    }

    void stopPostgres() throws IOException, InterruptedException {
        script("postgres.sh", List.of("stop", pgDir.toString()));
    }

    void startPostgres() throws IOException, InterruptedException {
        script("postgres.sh", List.of("restart", pgDir.toString()));
    }

    /** The hub section of an agent's config for host {@code name} (its certificate from {@code certDir}). */
    String hubConfig(Path certDir, String name) {
        return "hub: {url: 'https://127.0.0.1:" + hubPort + "', cert: " + certDir.resolve(name + ".crt") + ", key: "
                + certDir.resolve(name + ".key") + ", ca: " + certs.resolve("ca.crt") + "}\n";
    }

    /** An agent whose host name (its UTS namespace's) is {@code name}, pushing to this hub. */
    AgentProcess agent(Path dir, Path certDir, String name) throws IOException {
        Files.createDirectories(dir);
        return new AgentProcess(dir, hubConfig(certDir, name)).within(List.of("unshare", "--uts", "--", "sh", "-c",
                "hostname \"$0\" && exec \"$@\"", name));
    }

    /** Rows of a query to the hub's database ({@code psql -At}: columns joined by '|'). */
    List<String> sql(String query) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("psql", "-h", "127.0.0.1", "-p", Integer.toString(pgPort), "-U", "cg",
                "-d", "changegraph", "-At", "-v", "ON_ERROR_STOP=1", "-c", query);
        pb.environment().put("PGPASSWORD", dbPassword);
        AgentProcess.Result r = AgentProcess.run(pb);
        if (r.exitCode() != 0) {
            throw new IOException("psql failed: " + r.stderr());
        }
        return r.stdout().lines().filter(l -> !l.isEmpty()).toList();
    }

    /** curl with {@code name}'s client certificate: the HTTP status, a newline, and the body. */
    String curl(Path certDir, String name, String method, String path, String body)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("curl", "-sS", "-o", "-", "-w", "\n%{http_code}", "--cacert",
                certs.resolve("ca.crt").toString(), "--cert", certDir.resolve(name + ".crt").toString(), "--key",
                certDir.resolve(name + ".key").toString(), "-X", method, "https://127.0.0.1:" + hubPort + path));
        if (body != null) {
            argv.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", body));
        }
        AgentProcess.Result r = AgentProcess.run(new ProcessBuilder(argv));
        String out = r.stdout().strip();
        int nl = out.lastIndexOf('\n');
        return out.substring(nl + 1) + "\n" + (nl < 0 ? "" : out.substring(0, nl));
    }

    String script(String name, List<String> args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("bash", repo.resolve("scripts").resolve(name).toString()));
        argv.addAll(args);
        AgentProcess.Result r = AgentProcess.run(new ProcessBuilder(argv));
        if (r.exitCode() != 0) {
            throw new IOException(name + " " + args + " failed (" + r.exitCode() + "): " + r.stderr());
        }
        return r.stdout();
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (hub != null && hub.isAlive()) {
            hub.destroy();
            if (!hub.waitFor(20, TimeUnit.SECONDS)) {
                hub.destroyForcibly();
            }
        }
        try {
            script("postgres.sh", List.of("stop", pgDir.toString()));
        } catch (IOException e) {
            // already stopped
        }
        try (Stream<Path> walk = Files.walk(pgDir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
