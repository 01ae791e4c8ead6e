package io.changegraph.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.store.SessionRecord;
import io.changegraph.repository.store.SessionStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users and roles against a real server on a loopback port: a store with alice's (uid 1001) and bob's
 * (uid 1002) sessions, plus a plain graph file without an owner.
 */
class WebServerUsersTest {
    private static final String ALICE = "alice-token-0123456789";
    private static final String AUDIT = "audit-token-0123456789";
    private static final String ADMIN_TOKEN = "admin-token-0123456789";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private WebServer server;

    @BeforeEach
    void serveStoreWithTwoOwnersAndAPlainFile() throws IOException {
        Path root = dir.resolve("store");
        SessionStore store = new SessionStore(root).create();
        storeSession(store, "s-alice", 1001);
        storeSession(store, "s-bob", 1002);
        Path plain = Files.createDirectories(dir.resolve("plain"));
        TestGraphs.recorded("s-plain").write(plain.resolve("plain.json"));
        Path users = Files.writeString(dir.resolve("users.yaml"), "users:\n"
                + "  - {name: alice, token_sha256: " + WebUsers.sha256Hex(ALICE) + ", role: user, uid: 1001}\n"
                + "  - {name: audit, token_sha256: " + WebUsers.sha256Hex(AUDIT) + ", role: auditor}\n");
        server = WebServer.start(new WebConfig("127.0.0.1", 0, ADMIN_TOKEN,
                List.of(root.resolve("graphs"), plain), Optional.empty(), WebUsers.read(users)));
    }

    private static void storeSession(SessionStore store, String id, int uid) throws IOException {
        Files.createDirectories(store.directory(id));
        store.write(new SessionRecord(id, "web01", "u" + uid, uid, 100, 1, "", "/dev/pts/3", List.of("bash", "-l"),
                TestGraphs.T0, null, SessionRecord.State.LIVE, Stats.EMPTY, 0));
        TestGraphs.recorded(id).live().write(store.graph(id));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(String path, String token) throws Exception {
        HttpResponse<String> response = get(path, token);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return Json.MAPPER.readTree(response.body());
    }

    private List<String> sessionIds(String token) throws Exception {
        List<String> ids = new ArrayList<>();
        json("/api/sessions", token).forEach(row -> ids.add(row.get("id").asText()));
        return ids;
    }

    @Test
    void user_seesOnlyTheSessionsTheyOwn() throws Exception {
        assertThat(sessionIds(ALICE)).containsExactly("s-alice");
        assertThat(json("/api/info", ALICE).get("sessions").asInt()).isEqualTo(1);
        assertThat(json("/api/sessions/s-alice/graph", ALICE).get("session").get("id").asText()).isEqualTo("s-alice");
        JsonNode alerts = json("/api/alerts", ALICE);
        assertThat(alerts).isNotEmpty();
        alerts.forEach(alert -> assertThat(alert.get("session").asText()).isEqualTo("s-alice"));
    }

    @Test
    void user_othersSessionAndUnownedFile_answerExactlyLikeAnUnknownId() throws Exception {
        HttpResponse<String> unknown = get("/api/sessions/s-nobody/graph", ALICE);
        assertThat(unknown.statusCode()).isEqualTo(404);

        for (String id : List.of("s-bob", "s-plain")) {
            for (String path : List.of("/api/sessions/" + id, "/api/sessions/" + id + "/graph",
                    "/api/sessions/" + id + "/alerts", "/api/sessions/" + id + "/events")) {
                HttpResponse<String> response = get(path, ALICE);
                assertThat(response.statusCode()).as(path).isEqualTo(404);
                assertThat(response.body()).as(path).isEqualTo(unknown.body().replace("s-nobody", id));
            }
            assertThat(get("/api/diff?canary=s-alice&production=" + id, ALICE).statusCode()).isEqualTo(404);
            assertThat(get("/api/diff?canary=" + id + "&production=s-alice", ALICE).statusCode()).isEqualTo(404);
        }
        assertThat(get("/api/diff?canary=s-alice&production=s-alice", ALICE).statusCode()).isEqualTo(200);
    }

    @Test
    void stream_ofOwnSession_opens() throws Exception {
        HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.port() + "/api/sessions/s-alice/events")).header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + ALICE).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream body = stream.body()) {
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        }
    }

    @Test
    void auditor_andSingleTokenAdmin_seeEverySession() throws Exception {
        assertThat(sessionIds(AUDIT)).containsExactlyInAnyOrder("s-alice", "s-bob", "s-plain");
        assertThat(json("/api/sessions/s-bob/graph", AUDIT).get("session").get("id").asText()).isEqualTo("s-bob");
        assertThat(json("/api/diff?canary=s-alice&production=s-bob", AUDIT).get("diff")).isNotNull();
        assertThat(sessionIds(ADMIN_TOKEN)).containsExactlyInAnyOrder("s-alice", "s-bob", "s-plain");
    }

    @Test
    void info_saysWhoIsLoggedIn() throws Exception {
        JsonNode alice = json("/api/info", ALICE).get("user");
        assertThat(alice.get("name").asText()).isEqualTo("alice");
        assertThat(alice.get("role").asText()).isEqualTo("user");
        assertThat(alice.get("uid").asInt()).isEqualTo(1001);
        assertThat(json("/api/info", AUDIT).get("user").get("role").asText()).isEqualTo("auditor");
        assertThat(json("/api/info", ADMIN_TOKEN).get("user").get("role").asText()).isEqualTo("admin");
    }

    @Test
    void unknownToken_orTheHashAsToken_is401() throws Exception {
        assertThat(get("/api/sessions", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/sessions", "unknown-token-0123456789").statusCode()).isEqualTo(401);
        assertThat(get("/api/sessions", WebUsers.sha256Hex(ALICE)).statusCode()).isEqualTo(401);
        assertThat(get("/api/sessions/s-alice/graph", "unknown-token-0123456789").statusCode()).isEqualTo(401);
        assertThat(get("/", "unknown-token-0123456789").statusCode()).isEqualTo(401);
    }

    @Test
    void userCookie_fromFirstPageLoad_keepsTheirFilter() throws Exception {
        HttpResponse<String> firstLoad = get("/?token=" + ALICE, null);
        assertThat(firstLoad.statusCode()).isEqualTo(303);
        String cookie = firstLoad.headers().firstValue("Set-Cookie").orElseThrow();

        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/api/sessions")).header("Cookie", cookie.substring(0, cookie.indexOf(';'))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(Json.MAPPER.readTree(list.body())).hasSize(1);
        assertThat(Json.MAPPER.readTree(list.body()).get(0).get("id").asText()).isEqualTo("s-alice");
    }

    @Test
    void offLoopback_withUsersFileOnly_starts_andBadUsersFile_isOneLocatedLine() throws Exception {
        server.close();
        Path users = Files.writeString(dir.resolve("only.yaml"), "users:\n  - {name: audit, token_sha256: "
                + WebUsers.sha256Hex(AUDIT) + ", role: auditor}\n");
        server = WebServer.start(new WebConfig("0.0.0.0", 0, null, List.of(dir.resolve("plain")), Optional.empty(),
                WebUsers.read(users)));
        assertThat(get("/api/sessions", null).statusCode()).isEqualTo(401);
        assertThat(sessionIds(AUDIT)).containsExactly("s-plain");

        Path bad = Files.writeString(dir.resolve("bad.yaml"), "users:\n  - {name: x, token_sha256: "
                + "0".repeat(64) + ", role: superuser}\n");
        assertThatThrownBy(() -> WebUsers.read(bad)).isInstanceOf(WebStartException.class)
                .hasMessage("bad users file " + bad + ": line 2, users[0]: user 'x': unknown role 'superuser':"
                        + " give admin, auditor or user");
    }
}
