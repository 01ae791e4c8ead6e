package io.changegraph.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The viewer's performance targets, measured: the API returns a 100,000-edge graph within 1 s, and a
 * 5,000-node session graph is interactive in headless Chromium within 3 s (page load to {@code cgReady}:
 * fetched, laid out and drawn). Prints medians of 5 runs.
 *
 * <p>Run: {@code mvn -pl web -am test-compile exec:java -Dexec.mainClass=io.changegraph.web.WebBenchmark
 * -Dexec.classpathScope=test}
 */
public final class WebBenchmark {
    private static final int RUNS = 5;

    private WebBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("changegraph-bench-");
        // 2,000 processes (1,999 spawn edges) x 49 files each + 1 remote = 100,000 edges
        TestGraphs.wide("bench-100k-edges", 2_000, 49, 1).write(dir.resolve("big.json"));
        // 500 processes x 9 files = 5,000 nodes
        TestGraphs.wide("bench-5k-nodes", 500, 9, 0).write(dir.resolve("five-thousand.json"));
        try (WebServer server = WebServer.start(WebConfig.loopback(List.of(dir)))) {
            String base = "http://127.0.0.1:" + server.port();
            apiBenchmark(base + "/api/sessions/bench-100k-edges/graph", "identity");
            apiBenchmark(base + "/api/sessions/bench-100k-edges/graph", "gzip");
            browserBenchmark(base + "/graph.html?session=bench-5k-nodes");
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(file -> file.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }

    private static void apiBenchmark(String url, String encoding) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<Double> millis = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Accept-Encoding", encoding).build(), HttpResponse.BodyHandlers.ofByteArray());
            millis.add((System.nanoTime() - start) / 1e6);
            bytes = response.body().length;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("API answered " + response.statusCode());
            }
        }
        System.out.printf("API  100,000-edge graph, %s (%.1f MB sent): first %.0f ms, median of %d %.0f ms (target < 1000 ms)%n",
                encoding, bytes / 1e6, millis.getFirst(), RUNS, median(millis));
    }

    private static void browserBenchmark(String url) {
        try (Browser browser = Browser.open()) {
            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                browser.get("about:blank");
                browser.get(url);
                browser.until("return window.cgReady === true", Duration.ofSeconds(60));
                millis.add(((Number) browser.js("return window.cgReadyAt")).doubleValue());
                if (i == 0) {
                    System.out.println("page 5,000-node graph: " + browser.js("return cy.nodes().length") + " nodes, "
                            + browser.js("return cy.edges().length") + " edges drawn");
                }
            }
            browser.screenshot("benchmark-5000-nodes");
            System.out.printf("page 5,000-node graph load to interactive: first %.0f ms, median of %d %.0f ms (target < 3000 ms)%n",
                    millis.getFirst(), RUNS, median(millis));
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
