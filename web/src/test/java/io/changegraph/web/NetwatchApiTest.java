package io.changegraph.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/netwatch}: netwatch's JSON lines per destination over time, host-wide so admin and auditor only. */
class NetwatchApiTest {
    private static final String ALICE = "alice-token-0123456789";
    private static final String AUDIT = "audit-token-0123456789";
    private static final String ADMIN = "admin-token-0123456789";
    static final Instant END = Instant.parse("2026-12-06T10:00:00Z");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private WebServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A netwatch flow line as {@code changegraph netwatch --json} writes it. */
    static String flow(Instant time, String exe, String container, String destination, String name, int refused,
                       int timedOut, int resetsReceived, int synRetransmits, int retransmits) {
        return "{\"type\":\"flow\",\"time\":\"" + time + "\",\"interval_seconds\":60.0,\"exe\":\"" + exe
                + "\",\"cgroup_id\":42,\"cgroup\":" + (container == null ? "\"/user.slice\"" : "\"/system.slice/docker-"
                + container + ".scope\"") + ",\"container\":" + (container == null ? "null" : "\"" + container + "\"")
                + ",\"pod\":null,\"destination\":\"" + destination + "\",\"name\":" + (name == null ? "null" : "\"" + name
                + "\"") + ",\"connections\":" + Math.max(1, refused + timedOut + resetsReceived) + ",\"syn_retransmits\":"
                + synRetransmits + ",\"refused\":" + refused + ",\"timed_out\":" + timedOut + ",\"resets_received\":"
                + resetsReceived + ",\"resets_sent\":0,\"retransmits\":" + retransmits + "}";
    }

    static String interval(Instant time) {
        return "{\"type\":\"interval\",\"time\":\"" + time + "\",\"interval_seconds\":60.0,\"rows\":0,\"evicted\":0,"
                + "\"lost\":0,\"dns_answers\":0,\"names_evicted\":0}";
    }

    /** An hour of a failing API dependency, a flaky database and one old line outside the window. */
    static List<String> hourOfLines(String container) {
        List<String> lines = new ArrayList<>();
        lines.add(flow(END.minusSeconds(7200), "/usr/bin/curl", null, "10.9.9.9:80", null, 50, 0, 0, 0, 0));
        for (int minute = 59; minute >= 0; minute--) {
            Instant t = END.minusSeconds(minute * 60L);
            if (minute < 20) {
                lines.add(flow(t, "/usr/bin/java", container, "10.1.2.3:443", "api.internal", 2, 1, 0, 3, 0));
            }
            if (minute % 10 == 0) {
                lines.add(flow(t, "/usr/bin/psql", null, "10.1.2.4:5432", "db.internal", 0, 0, 1, 0, 7));
            }
            lines.add(interval(t));
        }
        lines.add("not json");
        return lines;
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Path storeWithNetwatch(List<String> lines) throws Exception {
        Path graphs = Files.createDirectories(dir.resolve("store/graphs"));
        Files.write(dir.resolve("store/netwatch.jsonl"), lines);
        return graphs;
    }

    private void serve(WebConfig config) {
        server = WebServer.start(config);
    }

    private void serveWithUsers(Path graphs) throws Exception {
        Path users = Files.writeString(dir.resolve("users.yaml"), "users:\n"
                + "  - {name: alice, token_sha256: " + WebUsers.sha256Hex(ALICE) + ", role: user, uid: 1001}\n"
                + "  - {name: audit, token_sha256: " + WebUsers.sha256Hex(AUDIT) + ", role: auditor}\n");
        serve(new WebConfig("127.0.0.1", 0, ADMIN, List.of(graphs), Optional.empty(), WebUsers.read(users)));
    }

    @Test
    void storesNetwatchFile_perDestinationWorstFirst_withTotalsAndASeriesPerKind() throws Exception {
        String container = "ab".repeat(32);
        serveWithUsers(storeWithNetwatch(hourOfLines(container)));

        HttpResponse<String> response = get("/api/netwatch?window=1h&buckets=60", AUDIT);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode view = Json.MAPPER.readTree(response.body());
        assertThat(view.get("available").asBoolean()).isTrue();
        assertThat(view.get("to").asText()).as("the window ends at the newest line").isEqualTo(END.toString());
        assertThat(view.get("from").asText()).isEqualTo(END.minusSeconds(3600).toString());
        assertThat(view.get("intervals").asLong()).isEqualTo(60);
        assertThat(view.get("skipped_lines").asLong()).isEqualTo(1);
        assertThat(view.get("destinations")).extracting(d -> d.get("destination").asText())
                .as("failed connects first; the line two hours old is outside the window")
                .containsExactly("10.1.2.3:443", "10.1.2.4:5432");
        JsonNode api = view.get("destinations").get(0);
        assertThat(api.get("names").toString()).isEqualTo("[\"api.internal\"]");
        assertThat(api.get("containers").toString()).isEqualTo("[\"" + container + "\"]");
        assertThat(api.get("exes").toString()).isEqualTo("[\"/usr/bin/java\"]");
        assertThat(api.get("totals").get("refused").asLong()).isEqualTo(40);
        assertThat(api.get("totals").get("timed_out").asLong()).isEqualTo(20);
        assertThat(api.get("totals").get("syn_retransmits").asLong()).isEqualTo(60);
        JsonNode refused = api.get("series").get("refused");
        assertThat(refused).hasSize(60);
        assertThat(refused.get(0).asLong()).as("quiet for the first 40 minutes").isZero();
        assertThat(refused.get(59).asLong()).isEqualTo(2);
        long sum = 0;
        for (JsonNode n : refused) {
            sum += n.asLong();
        }
        assertThat(sum).as("every line in one bucket").isEqualTo(40);
        JsonNode db = view.get("destinations").get(1);
        assertThat(db.get("totals").get("retransmits").asLong()).isEqualTo(42);
        assertThat(db.get("totals").get("resets_received").asLong()).isEqualTo(6);
        assertThat(db.get("cgroups").toString()).isEqualTo("[\"/user.slice\"]");
        assertThat(db.get("pods")).isEmpty();

        assertThat(Json.MAPPER.readTree(get("/api/netwatch?window=15m&buckets=15", ADMIN).body()).get("destinations")
                .get(0).get("totals").get("refused").asLong()).as("the last 15 minutes").isEqualTo(30);
    }

    @Test
    void hostWideData_onlyAdminAndAuditor_aUserIsForbidden_andInfoSaysWhoMayOpenThePage() throws Exception {
        serveWithUsers(storeWithNetwatch(hourOfLines(null)));

        HttpResponse<String> alice = get("/api/netwatch", ALICE);
        assertThat(alice.statusCode()).isEqualTo(403);
        assertThat(alice.body()).contains("only admin and auditor");
        assertThat(get("/api/netwatch", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/netwatch", ADMIN).statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(get("/api/info", ALICE).body()).get("netwatch").asBoolean()).isFalse();
        assertThat(Json.MAPPER.readTree(get("/api/info", AUDIT).body()).get("netwatch").asBoolean()).isTrue();
    }

    @Test
    void givenFile_notThereYet_isUnavailable_thenReadOnceWritten_badParametersAre400() throws Exception {
        Path file = dir.resolve("elsewhere/netwatch.jsonl");
        Files.createDirectories(file.getParent());
        serve(WebConfig.loopback(List.of()).withNetwatch(file));

        JsonNode empty = Json.MAPPER.readTree(get("/api/netwatch", null).body());
        assertThat(empty.get("available").asBoolean()).isFalse();
        assertThat(empty.get("destinations")).isEmpty();

        Files.write(file, hourOfLines(null));
        JsonNode full = Json.MAPPER.readTree(get("/api/netwatch", null).body());
        assertThat(full.get("available").asBoolean()).isTrue();
        assertThat(full.get("destinations")).hasSize(2);

        assertThat(get("/api/netwatch?window=2h", null).statusCode()).isEqualTo(400);
        assertThat(get("/api/netwatch?buckets=5", null).statusCode()).isEqualTo(400);
        assertThat(get("/api/netwatch?buckets=x", null).statusCode()).isEqualTo(400);
    }

    @Test
    void noNetwatchFile_is404WithWhatToGive() throws Exception {
        Path plain = Files.createDirectories(dir.resolve("plain"));
        serve(WebConfig.loopback(List.of(plain)));

        HttpResponse<String> response = get("/api/netwatch", null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("serve --netwatch FILE");
        assertThat(Json.MAPPER.readTree(get("/api/info", null).body()).get("netwatch").asBoolean()).isFalse();
    }
}
