package io.changegraph.controller;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Prometheus endpoint of the agent and of record, scraped over HTTP and parsed strictly (docs/ops.md). */
@Tag("kernel")
@ExtendWith(RequiresRoot.class)
class MetricsIT {
    static final List<String> METERS = PrometheusText.METERS;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    @Test
    void agent_metricsEndpoint_servesEveryMeter_andTheEventsCounterMoves() throws Exception {
        int port = freePort();
        try (AgentProcess agent = new AgentProcess(dir, "metrics: {listen: 127.0.0.1:" + port + "}\n").start()) {
            PrometheusText before = scrape(port);
            assertThat(before.samples.keySet()).containsAll(METERS);
            assertThat(before.types).containsEntry("changegraph_events_total", "counter")
                    .containsEntry("changegraph_degradation_level", "gauge");
            assertThat(before.value("changegraph_degradation_level")).isZero();
            assertThat(before.value("changegraph_process_resident_memory_bytes")).isGreaterThan(1 << 20);
            assertThat(before.value("changegraph_kernel_lost_total")).isZero();
            AgentProcess.Result r = agent.session(Map.of(), "/bin/bash", "-c",
                    "for i in 1 2 3 4 5 6 7 8; do cat /etc/hostname > /dev/null; done");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            double events = before.value("changegraph_events_total");
            AgentProcess.await("events counted", () -> scrapeQuietly(port).value("changegraph_events_total") > events
                    + 8, 10);
            PrometheusText after = scrape(port);
            assertThat(after.samples.values()).noneMatch(v -> v.isNaN());
            assertThat(after.value("changegraph_records_total")).isGreaterThan(before.value("changegraph_records_total"));
            assertThat(after.value("changegraph_process_cpu_seconds_total")).isPositive();
            // only /metrics is served
            HttpResponse<String> other = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/other")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void record_withMetrics_servesTheSameMetersWhileRecording() throws Exception {
        int port = freePort();
        Path output = dir.resolve("graph.json");
        Process record = new ProcessBuilder(Recording.launcher().toString(), "record", "-o", output.toString(),
                "--metrics", "127.0.0.1:" + port, "--", "/bin/bash", "-c",
                "for i in $(seq 1 40); do cat /etc/hostname > /dev/null; sleep 0.1; done")
                .redirectErrorStream(true).redirectOutput(dir.resolve("record.log").toFile()).start();
        try {
            AgentProcess.await("record's endpoint up", () -> scrapeQuietly(port) != null
                    && scrapeQuietly(port).samples.getOrDefault("changegraph_events_total", 0.0) > 0, 30);
            PrometheusText during = scrape(port);
            assertThat(during.samples.keySet()).containsAll(METERS);
            assertThat(during.value("changegraph_sessions_live")).isEqualTo(1);
            assertThat(during.samples.values()).noneMatch(v -> v.isNaN());
            assertThat(record.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(record.exitValue()).isZero();
        } finally {
            record.destroyForcibly();
        }
    }

    static PrometheusText scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        return PrometheusText.parse(response.body());
    }

    /** null while nothing listens yet. */
    private static PrometheusText scrapeQuietly(int port) {
        try {
            return scrape(port);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A free port of this helper's range 17600-17699, else any. */
    static int freePort() throws IOException {
        for (int port = 17600 + (int) (ProcessHandle.current().pid() % 50); port < 17700; port++) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException busy) {
                // next
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
