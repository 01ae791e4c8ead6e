package io.changegraph.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Verb;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON API and its security, against a real server on a loopback port. */
class WebServerApiTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private WebServer server;
    private GraphDocument recorded;

    @BeforeEach
    void serveRecordedSession() {
        recorded = TestGraphs.recorded("s-recorded").build();
        GraphJson.write(recorded, dir.resolve("recorded.json"));
        server = WebServer.start(WebConfig.loopback(List.of(dir)));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return get(path, null);
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return Json.MAPPER.readTree(response.body());
    }

    @Test
    void sessions_listsGraphInDirectory_withCountsDropsAndAlerts() throws Exception {
        HttpResponse<String> response = get("/api/sessions");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode row = json(response).get(0);
        assertThat(row.get("id").asText()).isEqualTo("s-recorded");
        assertThat(row.get("host").asText()).isEqualTo("web01");
        assertThat(row.get("user").asText()).isEqualTo("alice");
        assertThat(row.get("live").asBoolean()).isFalse();
        assertThat(row.get("duration_seconds").asLong()).isEqualTo(42);
        assertThat(row.get("drops").asLong()).isEqualTo(3);
        assertThat(row.get("alerts").get("critical").asLong()).isEqualTo(1);
        assertThat(row.get("nodes").asInt()).isEqualTo(7);
        assertThat(row.get("client").isNull()).as("not from a session store").isTrue();
        assertThat(row.get("command").toString()).isEqualTo("[\"bash\",\"-l\"]");
    }

    @Test
    void sessionStore_graphsDirectory_addsClientTtyOwnerAndStateFromTheRecord() throws Exception {
        Path root = dir.resolve("store");
        io.changegraph.repository.store.SessionStore store = new io.changegraph.repository.store.SessionStore(root).create();
        Files.createDirectories(store.directory("s-store"));
        store.write(new io.changegraph.repository.store.SessionRecord("s-store", "web01", "alice", 1000, 100, 1,
                "192.0.2.7 50022 192.0.2.1 22", "/dev/pts/3", List.of("bash", "-l"), TestGraphs.T0, null,
                io.changegraph.repository.store.SessionRecord.State.LIVE, io.changegraph.repository.model.Stats.EMPTY, 0));
        TestGraphs.recorded("s-store").live().write(store.graph("s-store"));
        server.close();
        server = WebServer.start(WebConfig.loopback(List.of(root.resolve("graphs"))));

        JsonNode row = json(get("/api/sessions/s-store"));

        assertThat(row.get("client").asText()).isEqualTo("192.0.2.7 50022 192.0.2.1 22");
        assertThat(row.get("tty").asText()).isEqualTo("/dev/pts/3");
        assertThat(row.get("uid").asInt()).isEqualTo(1000);
        assertThat(row.get("state").asText()).isEqualTo("live");
    }

    @Test
    void graph_isTheSessionInChangegraphV1() throws Exception {
        HttpResponse<String> response = get("/api/sessions/s-recorded/graph");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Changegraph-Version")).contains("1");
        assertThat(GraphJson.fromJson(response.body())).isEqualTo(recorded);
    }

    @Test
    void graph_gzipOnRequest_isTheSameDocumentCompressedOnce() throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/api/sessions/s-recorded/graph")).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.headers().firstValue("Content-Encoding")).contains("gzip");
        byte[] plain = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(response.body())).readAllBytes();
        assertThat(GraphJson.fromJson(new String(plain, StandardCharsets.UTF_8))).isEqualTo(recorded);
    }

    @Test
    void alerts_ofSession_nameTheEdgeAndRule() throws Exception {
        JsonNode alert = json(get("/api/sessions/s-recorded/alerts")).get(0);

        assertThat(alert.get("rule_id").asText()).isEqualTo("shadow-touch");
        assertThat(alert.get("edge_verb").asText()).isEqualTo("unlink");
        assertThat(alert.get("session").asText()).isEqualTo("s-recorded");
        assertThat(json(get("/api/alerts")).size()).isEqualTo(1);
    }

    @Test
    void info_withoutTokenOrUsers_namesNoUser_andCountsAllSessions() throws Exception {
        JsonNode info = json(get("/api/info"));

        assertThat(info.get("user").isNull()).isTrue();
        assertThat(info.get("sessions").asInt()).isEqualTo(1);
    }

    @Test
    void unknownSession_is404WithJsonError() throws Exception {
        HttpResponse<String> response = get("/api/sessions/nope/graph");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).get("error").asText()).contains("no session with id 'nope'");
    }

    @Test
    void events_liveSession_sendsHelloThenDeltaWhenFileIsRewritten() throws Exception {
        Path liveFile = dir.resolve("live.json");
        TestGraphs.recorded("s-live").live().write(liveFile);
        server.close();
        server = WebServer.start(WebConfig.loopback(List.of(dir)));

        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/api/sessions/s-live/events")).header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> stream = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertThat(nextEvent(lines)).containsExactly("event: hello", "data: {\"live\":true,\"version\":1}");

            TestGraphs grown = TestGraphs.recorded("s-live").live();
            io.changegraph.repository.model.FileNode extra = TestGraphs.file("/tmp/new-file");
            grown.node(extra).edge(TestGraphs.process(101, 100, "/usr/bin/sed", "sed", "-i", "s/a/b/", "/etc/app.conf"),
                    Verb.CREATE, extra, 1, 0);
            grown.write(liveFile);

            List<String> delta = CompletableFuture.supplyAsync(() -> nextEvent(lines)).get(10, TimeUnit.SECONDS);
            assertThat(delta.get(0)).isEqualTo("event: delta");
            JsonNode data = Json.MAPPER.readTree(delta.get(1).substring("data: ".length()));
            assertThat(data.get("base").asLong()).isEqualTo(1);
            assertThat(data.get("version").asLong()).isEqualTo(2);
            assertThat(data.get("nodes")).hasSize(1);
            assertThat(data.get("nodes").get(0).get("path").asText()).isEqualTo("/tmp/new-file");
            assertThat(data.get("edges")).hasSize(1);
            assertThat(data.get("edges").get(0).get("verb").asText()).isEqualTo("create");
            assertThat(data.get("removed_nodes")).isEmpty();
        }
    }

    private static List<String> nextEvent(BufferedReader lines) {
        List<String> event = new ArrayList<>();
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isEmpty() && !event.isEmpty()) {
                    return event;
                }
                if (!line.isEmpty() && !line.startsWith(":")) {
                    event.add(line);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return event;
    }

    @Test
    void diff_unionGraph_marksOnlyCanaryOnlyProductionAndSame() throws Exception {
        TestGraphs canary = TestGraphs.recorded("s-canary");
        io.changegraph.repository.model.FileNode extra = TestGraphs.file("/etc/cron.d/backdoor");
        canary.node(extra).edge(TestGraphs.process(101, 100, "/usr/bin/sed", "sed", "-i", "s/a/b/", "/etc/app.conf"),
                Verb.WRITE, extra, 1, 0);
        canary.write(dir.resolve("canary.json"));
        server.close();
        server = WebServer.start(new WebConfig("127.0.0.1", 0, null, List.of(),
                Optional.of(new WebConfig.DiffPair(dir.resolve("canary.json"), dir.resolve("recorded.json")))));

        assertThat(server.startPage().toString()).isEqualTo("/graph.html?canary=s-canary&production=s-recorded");
        JsonNode union = json(get("/api/diff?canary=s-canary&production=s-recorded"));

        assertThat(union.get("schema").asText()).isEqualTo("changegraph/v1");
        assertThat(statusOf(union, extra.id())).isEqualTo("only_canary");
        assertThat(statusOf(union, TestGraphs.file("/etc/app.conf").id())).isEqualTo("same");
        assertThat(union.get("diff").get("nodes").get("only_canary").asInt()).isEqualTo(1);
        assertThat(json(get("/api/diff?canary=s-recorded&production=s-canary")).get("diff").get("nodes")
                .get("only_production").asInt()).isEqualTo(1);
        assertThat(get("/api/diff?canary=s-canary").statusCode()).isEqualTo(400);
    }

    private static String statusOf(JsonNode union, String nodeId) {
        for (JsonNode node : union.get("nodes")) {
            if (node.get("id").asText().equals(nodeId)) {
                return node.get("status").asText();
            }
        }
        return null;
    }

    @Test
    void pages_andCytoscapeWebJar_areServedWithSecurityHeaders() throws Exception {
        HttpResponse<String> index = get("/");
        HttpResponse<String> cytoscape = get("/webjars/cytoscape/3.33.1/dist/cytoscape.min.js");

        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("<table id=\"sessions\">");
        assertThat(index.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("default-src 'self'").contains("script-src 'self'"));
        assertThat(index.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(cytoscape.statusCode()).isEqualTo(200);
        assertThat(get("/graph.html").body()).contains("cytoscape.min.js");
    }

    @Test
    void head_isAnsweredLikeGet() throws Exception {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/api/sessions")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void writes_areRefusedAsReadOnly() throws Exception {
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.port() + "/api/sessions/s-recorded/graph")).method(method, HttpRequest.BodyPublishers.ofString("{}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(method).isEqualTo(405);
        }
    }

    @Test
    void pathTraversal_throughAnyParameter_findsNothing() throws Exception {
        List<String> attempts = List.of(
                "/../../../../etc/passwd",
                "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                "/webjars/../../../../etc/passwd",
                "/webjars/cytoscape/..%2f..%2f..%2f..%2fetc%2fpasswd",
                "/api/sessions/..%2F..%2F..%2Fetc%2Fpasswd/graph",
                "/api/sessions/" + "%2e%2e%2f".repeat(6) + "etc%2fpasswd",
                "/api/diff?canary=../../etc/passwd&production=/etc/passwd",
                "/graph.html/..%5c..%5c..%5cetc%5cpasswd",
                "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd");
        for (String attempt : attempts) {
            String response = raw("GET " + attempt + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            String status = response.lines().findFirst().orElse("");
            assertThat(status).as(attempt).doesNotContain(" 200 ").doesNotContain(" 3");
            assertThat(response).as(attempt).doesNotContain("root:x:0:0");
        }
    }

    private String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void offLoopback_withoutToken_refusesToStart() {
        assertThatThrownBy(() -> WebServer.start(new WebConfig("0.0.0.0", 0, null, List.of(dir), Optional.empty())))
                .isInstanceOf(WebStartException.class)
                .hasMessageContaining("refusing to listen on 0.0.0.0 without a token");
    }

    @Test
    void shortToken_isRejected() {
        assertThatThrownBy(() -> new WebConfig("127.0.0.1", 0, "short", List.of(dir), Optional.empty()))
                .isInstanceOf(WebStartException.class).hasMessageContaining("at least 16");
    }

    @Test
    void token_requiredOnEveryRequest_bearerOrCookieFromFirstPageLoad() throws Exception {
        String token = "0123456789abcdef0123";
        server.close();
        server = WebServer.start(new WebConfig("0.0.0.0", 0, token, List.of(dir), Optional.empty()));

        assertThat(get("/api/sessions").statusCode()).isEqualTo(401);
        assertThat(get("/").statusCode()).isEqualTo(401);
        assertThat(get("/api/sessions", "Bearer wrong-token-wrong-token").statusCode()).isEqualTo(401);
        assertThat(get("/api/sessions?token=" + token).statusCode()).as("no token in API URLs").isEqualTo(401);
        assertThat(get("/api/sessions", "Bearer " + token).statusCode()).isEqualTo(200);

        HttpResponse<String> firstLoad = get("/graph.html?session=s-recorded&token=" + token);
        assertThat(firstLoad.statusCode()).isEqualTo(303);
        assertThat(firstLoad.headers().firstValue("Location")).contains("/graph.html?session=s-recorded");
        String cookie = firstLoad.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly").containsIgnoringCase("SameSite=Strict");
        HttpResponse<String> withCookie = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/api/sessions")).header("Cookie", cookie.substring(0, cookie.indexOf(';'))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withCookie.statusCode()).isEqualTo(200);
    }

    @Test
    void missingOrBrokenSource_refusesToStartWithOneLine() throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"schema\": \"something/else\"}");

        assertThatThrownBy(() -> WebServer.start(WebConfig.loopback(List.of(dir.resolve("absent.json")))))
                .isInstanceOf(WebStartException.class).hasMessageContaining("no such file or directory");
        assertThatThrownBy(() -> WebServer.start(WebConfig.loopback(List.of(broken))))
                .isInstanceOf(WebStartException.class).hasMessageContaining("not a changegraph graph")
                .hasMessageNotContaining("\n");
    }

    @Test
    void directory_withBrokenFile_servesTheOthers() throws Exception {
        Files.writeString(dir.resolve("broken.json"), "not json");
        server.close();
        server = WebServer.start(WebConfig.loopback(List.of(dir)));

        assertThat(json(get("/api/sessions"))).hasSize(1);
    }
}
