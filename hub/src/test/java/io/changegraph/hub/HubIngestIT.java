package io.changegraph.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.changegraph.repository.store.SessionRecord;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest endpoint against a real PostgreSQL 15 (scripts/postgres.sh) with certificates from
 * scripts/fleet-certs.sh: exactly once through duplicates, gaps, a PostgreSQL restart and a hub killed with
 * SIGKILL; mutual TLS identity.
 */
class HubIngestIT {
    static final String TOKEN = "hub-ingest-it-token-0123456789";

    @TempDir
    static Path tmp;
    static PostgresCluster postgres;
    static FleetCerts certs;
    static FleetCerts rogue;
    static Hub hub;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresCluster.start();
        certs = FleetCerts.make(tmp.resolve("certs"), "web1", "web2");
        rogue = FleetCerts.make(tmp.resolve("rogue"), "web1");
        hub = Hub.start(config(0));
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

    static HubConfig config(int port) {
        return new HubConfig("127.0.0.1", port, postgres.url(), postgres.password(), certs.hubCert(), certs.hubKey(),
                certs.ca(), TOKEN, null);
    }

    static IngestClient client(String host) {
        return new IngestClient(URI.create("https://127.0.0.1:" + hub.port()), certs.cert(host), certs.key(host), certs.ca());
    }

    static Connection db() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/changegraph", "cg",
                postgres.password());
    }

    /** The seqs stored for a session, in order, each checked against the event that was sent for it. */
    static List<Long> storedSeqs(String host, String id) throws SQLException {
        List<Long> seqs = new ArrayList<>();
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "SELECT seq, event::text FROM events WHERE host = ? AND session_id = ? ORDER BY seq")) {
            ps.setString(1, host);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    assertThat(Json.read(rs.getString(2))).isEqualTo(Json.read(FleetData.event(seq)));
                    seqs.add(seq);
                }
            }
        }
        return seqs;
    }

    static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void ingest_duplicatesOverlapsAndResendAfterGap_storeEveryEventExactlyOnce() throws Exception {
        IngestClient web1 = client("web1");
        SessionRecord s = FleetData.session("web1", "20261206T080000Z-web1-1");
        assertThat(web1.post(FleetData.batch(s, 0, FleetData.events(0, 100))).nextSeq()).isEqualTo(100);
        IngestClient.Answer again = web1.post(FleetData.batch(s, 0, FleetData.events(0, 100)));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.nextSeq()).isEqualTo(100);
        assertThat(web1.post(FleetData.batch(s, 50, FleetData.events(50, 100))).nextSeq()).isEqualTo(150);

        IngestClient.Answer gap = web1.post(FleetData.batch(s, 200, FleetData.events(200, 50)));
        assertThat(gap.status()).isEqualTo(409);
        assertThat(gap.nextSeq()).isEqualTo(150);
        assertThat(gap.body().path("error").asText()).contains("resend from next_seq 150");

        assertThat(web1.post(FleetData.batch(s, 150, FleetData.events(150, 100))).nextSeq()).isEqualTo(250);
        assertThat(web1.position(s.id()).nextSeq()).isEqualTo(250);
        assertThat(storedSeqs("web1", s.id())).isEqualTo(range(0, 250));
    }

    @Test
    void ingest_emptyBatchWithEndedStateSummaryAndAlerts_updatesTheSessionRow() throws Exception {
        IngestClient web1 = client("web1");
        SessionRecord live = FleetData.session("web1", "20261206T080000Z-web1-2");
        web1.post(FleetData.batch(live, 0, FleetData.events(0, 10)));
        SessionRecord ended = live.with(SessionRecord.State.ENDED, live.started().plusSeconds(9), live.stats());
        String extra = "\"summary\":{\"behaviours\":[{\"kind\":\"package.install\",\"subject\":\"myapp\"}]},"
                + "\"alerts\":" + Json.write(List.of(FleetData.severityAlert("critical"), FleetData.severityAlert("warning"),
                FleetData.severityAlert("warning")));
        assertThat(web1.post(FleetData.batch(ended, 10, List.of(), extra)).nextSeq()).isEqualTo(10);
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "SELECT state, ended IS NOT NULL, behaviours, alerts_critical, alerts_warning, next_seq FROM sessions WHERE id = ?")) {
            ps.setString(1, live.id());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("ended");
                assertThat(rs.getBoolean(2)).isTrue();
                assertThat(rs.getInt(3)).isEqualTo(1);
                assertThat(rs.getInt(4)).isEqualTo(1);
                assertThat(rs.getInt(5)).isEqualTo(2);
                assertThat(rs.getLong(6)).isEqualTo(10);
            }
        }
    }

    @Test
    void ingest_certificateFromAnotherCa_isRefused() throws Exception {
        IngestClient impostor = new IngestClient(URI.create("https://127.0.0.1:" + hub.port()),
                rogue.cert("web1"), rogue.key("web1"), certs.ca());
        SessionRecord s = FleetData.session("web1", "20261206T080000Z-web1-rogue");
        int status;
        try {
            status = impostor.post(FleetData.batch(s, 0, FleetData.events(0, 5))).status();
        } catch (IOException e) {   // the handshake refuses the chain (SSLException or a reset)
            status = -1;
        }
        assertThat(status).as("refused in the TLS handshake").isEqualTo(-1);
        IngestClient hubAsClient = new IngestClient(URI.create("https://127.0.0.1:" + hub.port()),
                certs.hubCert(), certs.hubKey(), certs.ca());   // right CA, but a server certificate (no clientAuth)
        int asClient;
        try {
            asClient = hubAsClient.post(FleetData.batch(s, 0, FleetData.events(0, 5))).status();
        } catch (IOException e) {
            asClient = -1;
        }
        assertThat(asClient).as("a server certificate is no client identity").isEqualTo(-1);
        assertThat(storedSeqs("web1", s.id())).isEmpty();
    }

    @Test
    void ingest_withoutClientCertificate_is401() throws Exception {
        IngestClient anonymous = new IngestClient(URI.create("https://127.0.0.1:" + hub.port()), null, null, certs.ca());
        IngestClient.Answer answer = anonymous.post(FleetData.batch(FleetData.session("web1", "anon-1"), 0,
                FleetData.events(0, 1)));
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.body().path("error").asText()).contains("client certificate");
    }

    @Test
    void ingest_hostWritingAnotherHostsSession_is403() throws Exception {
        SessionRecord ofWeb1 = FleetData.session("web1", "20261206T080000Z-web1-3");
        assertThat(client("web1").post(FleetData.batch(ofWeb1, 0, FleetData.events(0, 3))).status()).isEqualTo(200);

        IngestClient web2 = client("web2");
        IngestClient.Answer claimed = web2.post(FleetData.batch(ofWeb1, 3, FleetData.events(3, 3)));
        assertThat(claimed.status()).isEqualTo(403);
        assertThat(claimed.body().path("error").asText()).contains("web2");

        SessionRecord sameIdAsWeb2 = FleetData.session("web2", ofWeb1.id());
        assertThat(web2.post(FleetData.batch(sameIdAsWeb2, 3, FleetData.events(3, 3))).status()).isEqualTo(403);
        assertThat(web2.position(ofWeb1.id()).status()).isEqualTo(403);
        assertThat(storedSeqs("web1", ofWeb1.id())).isEqualTo(range(0, 3));
        assertThat(storedSeqs("web2", ofWeb1.id())).isEmpty();
    }

    @Test
    void ingest_badBodies_are400WithOneLine() throws Exception {
        IngestClient web1 = client("web1");
        assertThat(web1.post("not json").status()).isEqualTo(400);
        assertThat(web1.post("{\"first_seq\":0,\"events\":[]}").body().path("error").asText()).contains("'session'");
        SessionRecord s = FleetData.session("web1", "bad-1");
        IngestClient.Answer badEvent = web1.post(FleetData.batch(s, 0, List.of("{\"verb\":\"write\"}")));
        assertThat(badEvent.status()).isEqualTo(400);
        assertThat(badEvent.body().path("error").asText()).contains("events[0]");
        assertThat(web1.post(FleetData.batch(s, -1, List.of())).status()).isEqualTo(400);
    }

    @Test
    void ingest_bodyOverEightMiB_is413() throws Exception {
        SessionRecord s = FleetData.session("web1", "big-1");
        String huge = FleetData.batch(s, 0, List.of(), "\"summary\":{\"pad\":\"" + "x".repeat(9 * 1024 * 1024) + "\"}");
        assertThat(client("web1").post(huge).status()).isEqualTo(413);
    }

    @Test
    void ingest_gzipBodyWithAGraphOverEightMiBUnpacked_isTakenAndServed() throws Exception {
        SessionRecord s = FleetData.session("web1", "20261206T080000Z-web1-gzip")
                .with(SessionRecord.State.ENDED, FleetData.T0.plusSeconds(5), null);
        StringBuilder nodes = new StringBuilder();
        for (int i = 0; i < 120_000; i++) {   // ~10 MB of JSON, as a big deploy graph is
            nodes.append(i == 0 ? "" : ",").append("{\"id\":\"file:/usr/share/doc/pkg-").append(i)
                    .append("/changelog.Debian.gz\",\"kind\":\"file\"}");
        }
        String graph = "{\"schema\":\"changegraph/v1\",\"session\":{\"id\":\"" + s.id() + "\"},\"nodes\":[" + nodes
                + "],\"edges\":[],\"alerts\":[],\"stats\":{}}";
        String body = FleetData.batch(s, 0, FleetData.events(0, 10), "\"graph\":" + graph);
        assertThat(body.length()).isGreaterThan(HubServer.MAX_BODY);
        byte[] gzip = IngestBatch.gzip(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        IngestClient.Answer answer = client("web1").postGzip(gzip);
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        assertThat(answer.nextSeq()).isEqualTo(10);
        IngestClient reader = new IngestClient(URI.create("https://127.0.0.1:" + hub.port()), null, null, certs.ca());
        assertThat(Json.read(reader.getText("/api/v1/fleet/sessions/web1/" + s.id() + "/graph", TOKEN)))
                .isEqualTo(Json.read(graph));
    }

    @Test
    void ingest_postgresRestartedMidStream_answers503ThenRecovers_everyEventOnce() throws Exception {
        IngestClient web2 = client("web2");
        SessionRecord s = FleetData.session("web2", "20261206T080000Z-web2-restart");
        Pusher pusher = new Pusher(web2, s, 50, 3_000);
        Thread thread = Thread.ofPlatform().start(pusher);
        waitFor(() -> pusher.next >= 500);
        postgres.stop();
        waitFor(() -> pusher.answered503 > 0);   // the hub stays up and says 503 while the database is down
        postgres.restart();
        thread.join(TimeUnit.MINUTES.toMillis(2));
        assertThat(thread.isAlive()).isFalse();
        assertThat(pusher.failure).isNull();
        assertThat(pusher.answered503).isPositive();
        assertThat(storedSeqs("web2", s.id())).isEqualTo(range(0, 3_000));
        String metrics = new IngestClient(URI.create("https://127.0.0.1:" + hub.port()), null, null, certs.ca())
                .getText("/metrics", TOKEN);
        assertThat(FleetQueryIT.metric(metrics, "changegraph_hub_db_errors_total")).isPositive();
    }

    @Test
    void ingest_hubKilledAndRestarted_nextBatchContinues_everyEventOnce() throws Exception {
        int port = PostgresCluster.freePort();
        SessionRecord s = FleetData.session("web1", "20261206T080000Z-web1-kill");
        IngestClient web1 = new IngestClient(URI.create("https://127.0.0.1:" + port), certs.cert("web1"), certs.key("web1"),
                certs.ca());
        Process first = HubProcess.start(port, postgres, certs);
        Pusher pusher = new Pusher(web1, s, 50, 3_000);
        Thread thread;
        try {
            thread = Thread.ofPlatform().start(pusher);
            waitFor(() -> pusher.next >= 500);
        } finally {
            first.destroyForcibly();   // SIGKILL: no shutdown hook, a batch may be cut mid-transaction
            first.waitFor();
        }
        waitFor(() -> pusher.unavailable > 0);
        Process second = HubProcess.start(port, postgres, certs);
        try {
            thread.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(thread.isAlive()).isFalse();
            assertThat(pusher.failure).isNull();
        } finally {
            second.destroyForcibly();
            second.waitFor();
        }
        assertThat(storedSeqs("web1", s.id())).isEqualTo(range(0, 3_000));
    }

    /** An agent's push loop: batches from next_seq, resend on 409, back off on 503 or a refused connection. */
    static final class Pusher implements Runnable {
        private final IngestClient client;
        private final SessionRecord session;
        private final int batch;
        private final long total;
        volatile long next;
        volatile int unavailable;
        volatile int answered503;
        volatile Throwable failure;

        Pusher(IngestClient client, SessionRecord session, int batch, long total) {
            this.client = client;
            this.session = session;
            this.batch = batch;
            this.total = total;
        }

        @Override
        public void run() {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            try {
                while (next < total && System.nanoTime() < deadline) {
                    int n = (int) Math.min(batch, total - next);
                    IngestClient.Answer answer;
                    try {
                        answer = client.post(FleetData.batch(session, next, FleetData.events(next, n)));
                    } catch (IOException e) {   // hub down: connection refused or cut
                        unavailable++;
                        Thread.sleep(100);
                        continue;
                    }
                    switch (answer.status()) {
                        case 200, 409 -> next = answer.nextSeq();
                        case 503 -> {
                            unavailable++;
                            answered503++;
                            Thread.sleep(100);
                        }
                        default -> throw new AssertionError("unexpected " + answer.status() + " " + answer.body());
                    }
                    Thread.sleep(5);   // an agent pushes as events arrive, not flat out
                }
                if (next != total) {
                    throw new AssertionError("pushed only up to " + next + " of " + total);
                }
            } catch (Throwable e) {
                failure = e;
            }
        }
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    static void waitFor(Condition condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in 60 s");
            }
            Thread.sleep(20);
        }
    }
}
