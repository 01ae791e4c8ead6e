package io.changegraph.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.changegraph.web.WebUsers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/fleet/diff} and the viewer's session API on a real hub and PostgreSQL, with the users file's
 * roles: matching by command and window, named sessions, bad parameters, and a user who may not see the canary.
 */
class FleetDiffApiIT {
    static final String ADMIN = "fleet-diff-admin-token-0123456789";
    static final String ALICE = "fleet-diff-alice-token-0123456789";

    @TempDir
    static Path tmp;
    static PostgresCluster postgres;
    static Hub hub;
    static IngestClient client;
    static final String CANARY = "canary-1/" + FleetFixtures.run("canary-1").id();

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresCluster.start();
        FleetCerts certs = FleetCerts.make(tmp.resolve("certs"), FleetViewerBrowserIT.HOSTS.toArray(String[]::new));
        Path users = tmp.resolve("users.yaml");
        Files.writeString(users, "users:\n"
                + "  - {name: root, token_sha256: " + sha256(ADMIN) + ", role: admin}\n"
                + "  - {name: alice, token_sha256: " + sha256(ALICE) + ", role: user, uid: 1001}\n");
        hub = Hub.start(new HubConfig("127.0.0.1", 0, postgres.url(), postgres.password(), certs.hubCert(),
                certs.hubKey(), certs.ca(), null, WebUsers.read(users)));
        URI base = URI.create("https://127.0.0.1:" + hub.port());
        for (String host : FleetViewerBrowserIT.HOSTS) {
            assertThat(new IngestClient(base, certs.cert(host), certs.key(host), certs.ca())
                    .post(FleetViewerBrowserIT.batch(host)).status()).isEqualTo(200);
        }
        client = new IngestClient(base, certs.cert("web-1"), certs.key("web-1"), certs.ca());
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

    @Test
    void diff_matchedByCommandAndWindow_ranksThePlantedHostFirst() throws Exception {
        IngestClient.Answer answer = client.get("/api/v1/fleet/diff?canary=" + CANARY + "&production=web-*", ADMIN);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().path("hosts").get(0).path("host").asText()).isEqualTo("web-2");
        assertThat(answer.body().path("hosts")).hasSize(3);
        assertThat(answer.body().path("command").asText()).isEqualTo("deploy.sh*");
        assertThat(answer.body().path("deviating").toString()).isEqualTo("[\"web-2\",\"web-1\",\"web-3\"]");
    }

    @Test
    void diff_windowTooShortForAHost_listsItWithoutSession() throws Exception {
        // web-1 started 46m14s after the canary, web-2 47m14s, web-3 48m14s: a 48m window leaves web-3 out
        IngestClient.Answer answer = client.get("/api/v1/fleet/diff?canary=" + CANARY + "&production=web-*&window=48m", ADMIN);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().path("hosts").get(0).path("host").asText()).isEqualTo("web-3");
        assertThat(answer.body().path("hosts").get(0).path("note").asText()).isEqualTo("no matching session");
    }

    @Test
    void diff_namedSessions_comparesExactlyThose() throws Exception {
        String web3 = "web-3/" + FleetFixtures.run("web-3").id();
        IngestClient.Answer answer = client.get("/api/v1/fleet/diff?canary=" + CANARY + "&sessions=" + web3, ADMIN);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().path("hosts")).hasSize(1);
        assertThat(answer.body().path("hosts").get(0).path("deviations").asInt()).isEqualTo(1);
    }

    @Test
    void diff_badParameters_areOneLine400() throws Exception {
        IngestClient.Answer window = client.get("/api/v1/fleet/diff?canary=" + CANARY + "&window=forever", ADMIN);
        assertThat(window.status()).isEqualTo(400);
        assertThat(window.body().path("error").asText()).contains("window").doesNotContain("\n");

        IngestClient.Answer missing = client.get("/api/v1/fleet/diff?production=web-*", ADMIN);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().path("error").asText()).contains("canary");

        IngestClient.Answer notKey = client.get("/api/v1/fleet/diff?canary=canary-1", ADMIN);
        assertThat(notKey.status()).isEqualTo(400);
    }

    @Test
    void userRole_mayNotDiffOrViewAnotherUsersSession() throws Exception {
        assertThat(client.get("/api/v1/fleet/diff?canary=" + CANARY, ALICE).status()).isEqualTo(404);
        String id = FleetFixtures.run("canary-1").id();
        assertThat(client.get("/api/sessions/" + id + "/view", ALICE).status()).isEqualTo(404);
        assertThat(client.get("/api/sessions/" + id + "/view", ADMIN).status()).isEqualTo(200);
        assertThat(client.get("/api/sessions/no-such-session/graph", ADMIN).status()).isEqualTo(404);
    }

    static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }
}
