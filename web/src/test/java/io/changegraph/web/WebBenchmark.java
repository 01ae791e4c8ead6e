package io.changegraph.web;

import com.fasterxml.jackson.databind.JsonNode;
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
 * The viewer's performance targets, measured: the API returns a 100,000-edge graph within 1 s, a 5,000-node
 * session graph is interactive in headless Chromium within 3 s (page load to {@code cgReady}: fetched, laid out
 * and drawn), and a 40,000-edge deploy opens interactive in its impact view within 2 s. Prints medians of 5 runs.
 *
 * <p>Arguments: {@code [--deploy CANARY.json [PRODUCTION.json]]} — recorded deploys (e.g. {@code examples/deploy.sh}
 * recorded with {@code --env canary} and {@code --env production}) for the impact view and the diff page;
 * without them a synthetic deploy of the same size is used (dpkg whose man-db trigger reads 19,000 man pages).
 * The summary of a recording without a summary section is made once when the server loads it (also timed).
 */
public final class WebBenchmark {
    private static final int RUNS = 5;

    private WebBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Path> deploys = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--deploy")) {
                while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    deploys.add(Path.of(args[++i]).toAbsolutePath());
                }
            } else {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "': give --deploy CANARY.json [PRODUCTION.json]");
            }
        }
        Path dir = Files.createTempDirectory("changegraph-bench-");
        // 2,000 processes (1,999 spawn edges) x 49 files each + 1 remote = 100,000 edges
        TestGraphs.wide("bench-100k-edges", 2_000, 49, 1).write(dir.resolve("big.json"));
        // 500 processes x 9 files = 5,000 nodes
        TestGraphs.wide("bench-5k-nodes", 500, 9, 0).write(dir.resolve("five-thousand.json"));
        try (WebServer server = WebServer.start(WebConfig.loopback(List.of(dir)))) {
            String base = "http://127.0.0.1:" + server.port();
            apiBenchmark(base + "/api/sessions/bench-100k-edges/graph", "identity");
            apiBenchmark(base + "/api/sessions/bench-100k-edges/graph", "gzip");
            browserBenchmark(base + "/graph.html?session=bench-5k-nodes&view=full");
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(file -> file.toFile().delete());
            }
        }
        if (deploys.isEmpty()) {
            deploys.add(syntheticDeploy(dir));
        }
        try (WebServer server = WebServer.start(WebConfig.loopback(deploys))) {
            String base = "http://127.0.0.1:" + server.port();
            HttpClient http = HttpClient.newHttpClient();
            List<String> ids = new ArrayList<>();
            for (JsonNode row : Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/sessions"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body())) {
                ids.add(row.get("id").asText());
                System.out.printf("deploy %s: %,d nodes, %,d edges%n", row.get("id").asText(), row.get("nodes").asLong(),
                        row.get("edges").asLong());
            }
            String id = ids.getLast();  // the older one: the canary
            long start = System.nanoTime();
            http.send(HttpRequest.newBuilder(URI.create(base + "/api/sessions/" + id + "/view")).build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.printf("API  deploy impact view, first request (waits for the summary made on load): %.0f ms%n",
                    (System.nanoTime() - start) / 1e6);
            pageBenchmark(base + "/graph.html?session=" + id, "deploy impact view", 2000);
            if (ids.size() == 2) {
                pageBenchmark(base + "/graph.html?canary=" + ids.get(1) + "&production=" + ids.get(0),
                        "deploy diff, differences only", 2000);
            }
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

    /** A deploy of the recorded deploy's size: dpkg installs a package and its man-db trigger reads 19,000 pages. */
    private static Path syntheticDeploy(Path dir) {
        TestGraphs graph = TestGraphs.deploy("bench-deploy", 0);
        for (int i = 0; i < 19_000; i++) {
            var page = TestGraphs.file("/usr/share/man/man1/page" + i + ".1.gz");
            graph.node(page).edge(TestGraphs.MANDB, io.changegraph.repository.model.Verb.OPEN, page, 1, 0)
                    .edge(TestGraphs.MANDB, io.changegraph.repository.model.Verb.READ, page, 3, 0);
        }
        return graph.write(dir.resolve("deploy.json"));
    }

    /** Page load to interactive ({@code cgReady}), median of {@value #RUNS}. */
    private static void pageBenchmark(String url, String what, int targetMillis) {
        try (Browser browser = Browser.open()) {
            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                browser.get("about:blank");
                browser.get(url);
                browser.until("return window.cgReady === true", Duration.ofSeconds(120));
                millis.add(((Number) browser.js("return window.cgReadyAt")).doubleValue());
                if (i == 0) {
                    System.out.println("page " + what + ": " + browser.js("return cy.nodes().length") + " nodes, "
                            + browser.js("return cy.edges().length") + " edges drawn");
                }
            }
            browser.screenshot("benchmark-" + what.replaceAll("[^a-z]+", "-"));
            System.out.printf("page %s load to interactive: first %.0f ms, median of %d %.0f ms (target < %d ms)%n",
                    what, millis.getFirst(), RUNS, median(millis), targetMillis);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
