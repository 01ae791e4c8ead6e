package io.changegraph.hub;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The hub in a JVM of its own (for the kill -9 test): {@code main} starts it and prints "listening PORT";
 * {@link #start} launches it with this JVM's classpath and waits for that line.
 */
final class HubProcess {
    private HubProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        HubConfig config = new HubConfig("127.0.0.1", Integer.parseInt(args[0]), args[1], System.getenv("PGPASSWORD"),
                Path.of(args[2]), Path.of(args[3]), Path.of(args[4]), null, null);
        Hub hub = Hub.start(config);
        System.out.println("listening " + hub.port());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    static Process start(int port, PostgresCluster postgres, FleetCerts certs) throws IOException, InterruptedException {
        return start(port, postgres, certs, "256m");
    }

    static Process start(int port, PostgresCluster postgres, FleetCerts certs, String heap)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                HubProcess.class.getName(), Integer.toString(port), postgres.url(), certs.hubCert().toString(),
                certs.hubKey().toString(), certs.ca().toString())).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", postgres.password());
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("listening ")) {
                Thread.ofPlatform().daemon().start(() -> out.lines().forEach(l -> { }));   // keep the pipe drained
                return process;
            }
            seen.append(line).append('\n');
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("the hub process did not start: " + seen);
    }
}
