package io.changegraph.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.store.SessionRecord;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the hub does in the background on a real PostgreSQL: graphs rebuilt from events, and the retention. */
class HubBackgroundIT {
    static final String ADMIN = "background-it-token-0123456789";
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @TempDir
    static Path tmp;
    static PostgresCluster postgres;
    static FleetCerts certs;
    static Hub hub;
    static IngestClient reader;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresCluster.start();
        certs = FleetCerts.make(tmp.resolve("certs"), "web1");
        hub = Hub.start(config(0));
        reader = new IngestClient(URI.create("https://127.0.0.1:" + hub.port()), null, null, certs.ca());
    }

    static HubConfig config(int retentionDays) {
        return new HubConfig("127.0.0.1", 0, postgres.url(), postgres.password(), certs.hubCert(), certs.hubKey(),
                certs.ca(), ADMIN, null).withRetentionDays(retentionDays);
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

    static void push(Hub to, SessionRecord session, int events, String extra) throws Exception {
        IngestClient agent = new IngestClient(URI.create("https://127.0.0.1:" + to.port()), certs.cert("web1"),
                certs.key("web1"), certs.ca());
        IngestClient.Answer answer = agent.post(FleetData.batch(session, 0, FleetData.events(0, events), extra));
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
    }

    static void push(SessionRecord session, int events, String extra) throws Exception {
        push(hub, session, events, extra);
    }

    @Test
    void graph_endedSessionWithEveryEventButNoGraph_isRebuiltByTheHub() throws Exception {
        SessionRecord incomplete = FleetData.session("web1", "s-web1-incomplete", 0, "root", List.of("true"),
                NOW.minus(10, ChronoUnit.MINUTES), SessionRecord.State.ENDED, 40);
        push(incomplete, 30, null);
        SessionRecord complete = FleetData.session("web1", "s-web1-rebuild", 0, "root", List.of("examples/deploy.sh"),
                NOW.minus(5, ChronoUnit.MINUTES), SessionRecord.State.ENDED, 30);
        push(complete, 30, "\"alerts\":[{\"rule_id\":\"r1\",\"severity\":\"critical\",\"description\":\"d\",\"node\":\"file:/srv/app/file-0\"}]");
        String path = "/api/v1/fleet/sessions/web1/s-web1-rebuild/graph";
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (reader.get(path, ADMIN).status() == 404 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        String text = reader.getText(path, ADMIN);
        JsonNode graph = Json.read(text);
        assertThat(io.changegraph.repository.formats.GraphJson.fromJson(text).alerts()).hasSize(1);   // a valid document
        assertThat(graph.path("schema").asText()).isEqualTo("changegraph/v1");
        assertThat(graph.path("session").path("id").asText()).isEqualTo("s-web1-rebuild");
        assertThat(graph.path("stats").path("events").asLong()).isEqualTo(30);
        assertThat(graph.path("nodes").toString()).contains("/srv/app/file-0", "/srv/app/file-29");
        assertThat(graph.path("alerts").get(0).path("rule_id").asText()).isEqualTo("r1");
        assertThat(graph.path("summary").isObject()).isTrue();
        assertThat(reader.get("/api/v1/fleet/sessions/web1/s-web1-rebuild", ADMIN).body().path("summary").isObject())
                .as("the computed summary fills the row the agent sent none for").isTrue();
        // one worker, in order: the incomplete session (pushed first) was looked at and left without a graph
        assertThat(reader.get("/api/v1/fleet/sessions/web1/s-web1-incomplete/graph", ADMIN).status()).isEqualTo(404);
    }

    @Test
    void retention_deletesSessionsEndedLongerAgo_keepsRecentAndLiveOnes() throws Exception {
        SessionRecord ancient = FleetData.session("web1", "s-web1-ancient", 0, "root", List.of("ls"),
                NOW.minus(100, ChronoUnit.DAYS), SessionRecord.State.ENDED, 50);
        SessionRecord recent = FleetData.session("web1", "s-web1-recent", 0, "root", List.of("ls"),
                NOW.minus(80, ChronoUnit.DAYS), SessionRecord.State.ENDED, 5);
        SessionRecord stillLive = FleetData.session("web1", "s-web1-live-for-ages", 0, "root", List.of("sleep", "inf"),
                NOW.minus(200, ChronoUnit.DAYS), SessionRecord.State.LIVE, 5);
        push(ancient, 50, null);
        push(recent, 5, null);
        push(stillLive, 5, null);
        try (Hub withRetention = Hub.start(config(90))) {
            String path = "/api/v1/fleet/sessions/web1/s-web1-ancient";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (reader.get(path, ADMIN).status() == 200 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(reader.get(path, ADMIN).status()).isEqualTo(404);
            assertThat(reader.get("/api/v1/fleet/sessions/web1/s-web1-recent", ADMIN).status()).isEqualTo(200);
            assertThat(reader.get("/api/v1/fleet/sessions/web1/s-web1-live-for-ages", ADMIN).status()).isEqualTo(200);
            try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.port()
                    + "/changegraph", "cg", postgres.password());
                 var rs = c.createStatement().executeQuery("SELECT count(*) FROM events WHERE session_id = 's-web1-ancient'")) {
                rs.next();
                assertThat(rs.getLong(1)).as("its events went with it").isZero();
            }
            String metrics = new IngestClient(URI.create("https://127.0.0.1:" + withRetention.port()), null, null, certs.ca())
                    .getText("/metrics", ADMIN);   // the hub that applied the retention counts it
            assertThat(FleetQueryIT.metric(metrics, "changegraph_hub_sessions_expired_total")).isEqualTo(1);
        }
    }
}
