package io.changegraph.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * A real PostgreSQL 15 for a test: a private cluster in a temporary directory on a free port, started and
 * stopped by {@code scripts/postgres.sh} (as a user would for the demo). Never a mock; never skipped.
 */
final class PostgresCluster implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final String url;
    private final String password;

    private PostgresCluster(Path dir, int port, String url, String password) {
        this.dir = dir;
        this.port = port;
        this.url = url;
        this.password = password;
    }

    /** Initialises and starts a new cluster; the caller closes it (stop + delete). */
    static PostgresCluster start() {
        try {
            Path dir = Files.createTempDirectory("changegraph-pg-");
            int port = freePort();
            String url = script("start", dir.toString(), Integer.toString(port)).strip();
            String password = Files.readString(dir.resolve("password"), StandardCharsets.UTF_8).strip();
            return new PostgresCluster(dir, port, url, password);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code postgresql://cg@127.0.0.1:PORT/changegraph}, without the password. */
    String url() {
        return url;
    }

    /** The URL with the password in it (for in-process hubs). */
    String urlWithPassword() {
        return url.replace("postgresql://cg@", "postgresql://cg:" + password + "@");
    }

    String password() {
        return password;
    }

    int port() {
        return port;
    }

    /** {@code pg_ctl stop -m fast}: every connection is cut. */
    void stop() {
        script("stop", dir.toString());
    }

    /** Starts the stopped cluster again on the same port with the same data. */
    void restart() {
        script("restart", dir.toString());
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // a leftover temp directory is not worth failing a test over
            }
        }
    }

    /** The repository checkout (surefire and failsafe set CHANGEGRAPH_REPO; else the parent of the module). */
    static Path repo() {
        String env = System.getenv("CHANGEGRAPH_REPO");
        Path start = env != null ? Path.of(env) : Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts/postgres.sh"))) {
                return p;
            }
        }
        throw new IllegalStateException("scripts/postgres.sh not found above " + start);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String script(String... args) {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(repo().resolve("scripts/postgres.sh").toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("postgres.sh " + String.join(" ", args) + " hung");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("postgres.sh " + String.join(" ", args) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
