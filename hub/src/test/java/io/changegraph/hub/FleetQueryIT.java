package io.changegraph.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.store.SessionRecord;
import io.changegraph.web.WebUsers;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet query API on a real PostgreSQL: filters, roles of the users file, one session, its graph, and the
 * Prometheus metrics after ingest.
 */
class FleetQueryIT {
    static final String ADMIN = "admin-token-0123456789abcdef";
    static final String AUDIT = "audit-token-0123456789abcdef";
    static final String ALICE = "alice-token-0123456789abcdef";
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @TempDir
    static Path tmp;
    static PostgresCluster postgres;
    static FleetCerts certs;
    static Hub hub;
    static IngestClient reader;
    static String graphJson;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresCluster.start();
        certs = FleetCerts.make(tmp.resolve("certs"), "web1", "web2", "db1");
        Path users = tmp.resolve("users.yaml");
        Files.writeString(users, "users:\n"
                + "  - {name: root, token_sha256: " + sha256(ADMIN) + ", role: admin}\n"
                + "  - {name: audit, token_sha256: " + sha256(AUDIT) + ", role: auditor}\n"
                + "  - {name: alice, token_sha256: " + sha256(ALICE) + ", role: user, uid: 1001}\n");
        hub = Hub.start(new HubConfig("127.0.0.1", 0, postgres.url(), postgres.password(), certs.hubCert(),
                certs.hubKey(), certs.ca(), null, WebUsers.read(users)));
        reader = new IngestClient(URI.create("https://127.0.0.1:" + hub.port()), null, null, certs.ca());

        push("web1", FleetData.session("web1", "s-web1-deploy", 0, "root",
                List.of("examples/deploy.sh", "--env", "canary"), NOW.minus(3, ChronoUnit.HOURS), SessionRecord.State.ENDED, 25),
                20, "\"summary\":{\"behaviours\":[{\"kind\":\"package.install\"},{\"kind\":\"service.restart\"}]},"
                        + "\"alerts\":[{\"severity\":\"critical\",\"rule\":\"r\"}]");
        push("web2", FleetData.session("web2", "s-web2-apt", 1001, "alice", List.of("apt-get", "install", "jq"),
                NOW.minus(2, ChronoUnit.HOURS), SessionRecord.State.ENDED, 5), 5, null);
        push("db1", FleetData.session("db1", "s-db1-deploy", 0, "root", List.of("/opt/deploy.sh", "--env", "prod"),
                NOW.minus(30, ChronoUnit.MINUTES), SessionRecord.State.LIVE, 7), 7, null);
        push("web2", FleetData.session("web2", "s-web2-old", 1001, "alice", List.of("ls"),
                NOW.minus(3, ChronoUnit.DAYS), SessionRecord.State.ENDED, 1), 1, null);
    }

    static void push(String host, SessionRecord session, int events, String extra) throws Exception {
        IngestClient agent = new IngestClient(URI.create("https://127.0.0.1:" + hub.port()), certs.cert(host),
                certs.key(host), certs.ca());
        IngestClient.Answer answer = agent.post(FleetData.batch(session, 0, FleetData.events(0, events), extra));
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    static List<String> ids(JsonNode answer) {
        List<String> ids = new ArrayList<>();
        answer.path("sessions").forEach(s -> ids.add(s.path("host").asText() + "/" + s.path("id").asText()));
        return ids;
    }

    static JsonNode list(String query, String token) throws Exception {
        IngestClient.Answer answer = reader.get("/api/v1/fleet/sessions" + query, token);
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        return answer.body();
    }

    static String q(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void sessions_newestFirst_withHostCountsAndBehaviours() throws Exception {
        JsonNode answer = list("", ADMIN);
        assertThat(ids(answer)).containsExactly("db1/s-db1-deploy", "web2/s-web2-apt", "web1/s-web1-deploy", "web2/s-web2-old");
        JsonNode web1 = answer.path("sessions").get(2);
        assertThat(web1.path("user").asText()).isEqualTo("root");
        assertThat(web1.path("command").get(0).asText()).isEqualTo("examples/deploy.sh");
        assertThat(web1.path("state").asText()).isEqualTo("ended");
        assertThat(web1.path("events").asLong()).isEqualTo(20);
        assertThat(web1.path("alerts").path("critical").asInt()).isEqualTo(1);
        assertThat(web1.path("behaviours").asInt()).isEqualTo(2);
        assertThat(web1.path("ended").isNull()).isFalse();
    }

    @Test
    void sessions_filters_hostGlobUserSinceCommandGlobAndLimit() throws Exception {
        assertThat(ids(list("?host=" + q("web*"), ADMIN))).containsExactly("web2/s-web2-apt", "web1/s-web1-deploy", "web2/s-web2-old");
        assertThat(ids(list("?host=db1", ADMIN))).containsExactly("db1/s-db1-deploy");
        assertThat(ids(list("?host=" + q("web?"), ADMIN))).hasSize(3);
        assertThat(ids(list("?user=alice", ADMIN))).containsExactly("web2/s-web2-apt", "web2/s-web2-old");
        assertThat(ids(list("?since=1d", ADMIN))).containsExactly("db1/s-db1-deploy", "web2/s-web2-apt", "web1/s-web1-deploy");
        assertThat(ids(list("?command=" + q("deploy.sh*"), ADMIN))).containsExactly("db1/s-db1-deploy", "web1/s-web1-deploy");
        assertThat(ids(list("?command=" + q("*--env canary"), ADMIN))).containsExactly("web1/s-web1-deploy");
        assertThat(ids(list("?limit=2", ADMIN))).containsExactly("db1/s-db1-deploy", "web2/s-web2-apt");
        assertThat(ids(list("?host=" + q("web_"), ADMIN))).isEmpty();   // '_' is literal, not LIKE's any-character
    }

    @Test
    void sessions_badFilter_is400WithOneLine() throws Exception {
        IngestClient.Answer answer = reader.get("/api/v1/fleet/sessions?since=yesterday", ADMIN);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body().path("error").asText()).contains("since 'yesterday'");
        assertThat(reader.get("/api/v1/fleet/sessions?limit=0", ADMIN).status()).isEqualTo(400);
    }

    @Test
    void sessions_roles_auditorSeesEveryHost_userOnlyTheirUid_noTokenIs401() throws Exception {
        assertThat(ids(list("", AUDIT))).hasSize(4);
        assertThat(ids(list("", ALICE))).containsExactly("web2/s-web2-apt", "web2/s-web2-old");
        assertThat(reader.get("/api/v1/fleet/sessions", null).status()).isEqualTo(401);
        assertThat(reader.get("/api/v1/fleet/sessions", "not-a-token-0123456789").status()).isEqualTo(401);
        assertThat(reader.get("/api/v1/fleet/sessions/web1/s-web1-deploy", ALICE).status()).isEqualTo(404);
        assertThat(reader.get("/api/v1/fleet/sessions/web2/s-web2-apt", ALICE).status()).isEqualTo(200);
    }

    @Test
    void session_one_hasRecordSummaryAndAlerts() throws Exception {
        IngestClient.Answer answer = reader.get("/api/v1/fleet/sessions/web1/s-web1-deploy", AUDIT);
        assertThat(answer.status()).isEqualTo(200);
        JsonNode s = answer.body();
        assertThat(s.path("host").asText()).isEqualTo("web1");
        assertThat(s.path("record").path("tty").asText()).isEqualTo("/dev/pts/1");
        assertThat(s.path("summary").path("behaviours").size()).isEqualTo(2);
        assertThat(s.path("alert_list").get(0).path("severity").asText()).isEqualTo("critical");
        assertThat(s.path("graph").asBoolean()).isFalse();
        assertThat(reader.get("/api/v1/fleet/sessions/web1/nope", AUDIT).status()).isEqualTo(404);
    }

    @Test
    void graph_404UntilPushed_thenServedPlainAndGzip() throws Exception {
        assertThat(reader.get("/api/v1/fleet/sessions/db1/s-db1-deploy/graph", ADMIN).status()).isEqualTo(404);
        SessionRecord ended = FleetData.session("db1", "s-db1-deploy", 0, "root", List.of("/opt/deploy.sh", "--env", "prod"),
                NOW.minus(30, ChronoUnit.MINUTES), SessionRecord.State.ENDED, 7);
        String graph = "{\"schema\":\"changegraph/v1\",\"session\":{\"id\":\"s-db1-deploy\"},\"nodes\":[],\"edges\":[],"
                + "\"alerts\":[],\"stats\":{}}";
        push("db1", ended, 7, "\"graph\":" + graph);
        HttpResponse<byte[]> plain = reader.getBytes("/api/v1/fleet/sessions/db1/s-db1-deploy/graph", ADMIN, null);
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(plain.body())).isEqualTo(Json.read(graph));
        HttpResponse<byte[]> gzip = reader.getBytes("/api/v1/fleet/sessions/db1/s-db1-deploy/graph", ADMIN, "gzip");
        assertThat(gzip.headers().firstValue("Content-Encoding")).hasValue("gzip");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip.body()))) {
            assertThat(Json.MAPPER.readTree(in.readAllBytes())).isEqualTo(Json.read(graph));
        }
        assertThat(reader.get("/api/v1/fleet/sessions/db1/s-db1-deploy", ADMIN).body().path("graph").asBoolean()).isTrue();
    }

    @Test
    void metrics_countIngestedEventsBatchesAndSessions_behindTheToken() throws Exception {
        assertThat(reader.get("/metrics", null).status()).isEqualTo(401);
        String metrics = reader.getText("/metrics", ADMIN);
        assertThat(metric(metrics, "changegraph_hub_ingest_events_total")).isGreaterThanOrEqualTo(33);
        assertThat(metric(metrics, "changegraph_hub_ingest_batches_total")).isGreaterThanOrEqualTo(4);
        assertThat(metric(metrics, "changegraph_hub_sessions_new_total")).isEqualTo(4);
        assertThat(metrics).contains("changegraph_hub_ingest_latency_seconds_count", "hikaricp_connections_active");
    }

    static double metric(String exposition, String name) {
        return exposition.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
