package io.changegraph.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changegraph.controller.cli.Main;
import io.changegraph.hub.Hub;
import io.changegraph.hub.HubConfig;
import io.changegraph.repository.io.JsonMappers;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.store.SessionRecord;
import io.changegraph.repository.store.SessionStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code changegraph fleet sessions|diff} against a real hub on a real PostgreSQL 15 (scripts/postgres.sh), with the
 * fleet's certificates from scripts/fleet-certs.sh. Four hosts push their deploy sessions over mutual TLS (curl with
 * each host's certificate): canary-1, and web-1..3 where web-2 deviates (the recorded deploy fixtures of
 * hub/src/test/resources/fleet).
 */
class FleetCliIT {
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final String TOKEN = "fleet-cli-it-token-0123456789";
    static final List<String> HOSTS = List.of("canary-1", "web-1", "web-2", "web-3");

    @TempDir
    static Path tmp;
    static Path pg;
    static Hub hub;
    static String url;
    static Path ca;
    static Path tokenFile;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void start() throws Exception {
        pg = Files.createTempDirectory("changegraph-pg-");   // under /tmp: PostgreSQL's user must reach it
        String db = script("scripts/postgres.sh", "start", pg.toString(), Integer.toString(freePort())).strip();
        String password = Files.readString(pg.resolve("password")).strip();
        Path certs = tmp.resolve("certs");
        List<String> certArgs = new ArrayList<>(List.of(certs.toString()));
        certArgs.addAll(HOSTS);
        script("scripts/fleet-certs.sh", certArgs.toArray(String[]::new));
        ca = certs.resolve("ca.crt");
        hub = Hub.start(new HubConfig("127.0.0.1", 0, db, password, certs.resolve("hub.crt"), certs.resolve("hub.key"),
                ca, TOKEN, null));
        url = "https://127.0.0.1:" + hub.port();
        tokenFile = tmp.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        for (String host : HOSTS) {
            push(certs, host);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
        if (pg != null) {
            script("scripts/postgres.sh", "stop", pg.toString());
            run(List.of("rm", "-rf", pg.toString()));
        }
    }

    /** The host's fixture session as its agent pushes it: record, no events yet, the impact summary. */
    static void push(Path certs, String host) throws Exception {
        JsonNode fixture = JsonMappers.SORTED.readTree(REPO.resolve("hub/src/test/resources/fleet/" + host + ".json").toFile());
        JsonNode session = fixture.get("session");
        List<String> command = new ArrayList<>();
        session.get("command").forEach(word -> command.add(word.asText()));
        SessionRecord record = new SessionRecord(session.get("id").asText(), host, "root", 0, 4242, 1000L, "", "",
                command, Instant.parse(session.get("started").asText()), Instant.parse(session.get("ended").asText()),
                SessionRecord.State.ENDED, new Stats(0, 0, 0), 0);
        ObjectNode body = JsonMappers.SORTED.createObjectNode();
        body.set("session", JsonMappers.SORTED.valueToTree(SessionStore.toMap(record)));
        body.put("first_seq", 0);
        body.putArray("events");
        body.set("summary", fixture.get("summary"));
        Path file = tmp.resolve(host + ".batch.json");
        Files.writeString(file, body.toString());
        String answer = run(List.of("curl", "-sS", "--fail-with-body", "--cacert", ca.toString(), "--cert",
                certs.resolve(host + ".crt").toString(), "--key", certs.resolve(host + ".key").toString(),
                "-H", "Content-Type: application/json", "--data-binary", "@" + file, url + "/api/v1/ingest"));
        assertThat(answer).as("ingest of " + host).contains("next_seq");
    }

    @Test
    void fleetSessions_listsEveryHostsSessionInATable() {
        Run run = cli("fleet", "sessions", "--hub", url, "--ca", ca.toString(), "--token-file", tokenFile.toString());

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("HOST", "SESSION", "USER", "STARTED (UTC)", "STATE", "ALERTS", "COMMAND")
                .contains("canary-1", "web-1", "web-2", "web-3", "examples/deploy.sh --env production", "4 sessions");
    }

    @Test
    void fleetSessions_hostGlob_narrowsTheList() {
        Run run = cli("fleet", "sessions", "--hub", url, "--ca", ca.toString(), "--token-file", tokenFile.toString(),
                "--host", "web-*", "--command", "deploy.sh*", "--since", "3650d", "--json");

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("\"web-1\"", "\"web-2\"", "\"web-3\"").doesNotContain("\"canary-1\"");
    }

    @Test
    void fleetDiff_namesThePlantedDeviatingHostFirst_exitsOne() {
        Run run = cli("fleet", "diff", "--hub", url, "--ca", ca.toString(), "--token-file", tokenFile.toString(),
                "--canary", "canary-1/20261206T061411Z-canary-1-3918", "--production", "web-*", "--command", "deploy.sh*",
                "--window", "6h");

        assertThat(run.code()).as(run.err()).isEqualTo(ExitCodes.FOUND);
        List<String> lines = run.out().lines().toList();
        String firstRow = lines.stream().filter(line -> line.startsWith("1 ")).findFirst().orElseThrow();
        assertThat(firstRow).contains("web-2");
        assertThat(run.out()).contains("+ web-2 also connected to 203.0.113.7:443")
                .contains("- canary also changed cron /etc/cron.d/myapp")
                .contains("deviating: web-2, web-1, web-3");
    }

    @Test
    void fleetDiff_json_ranksHostsByDeviation() throws IOException {
        Run run = cli("fleet", "diff", "--hub", url, "--ca", ca.toString(), "--canary",
                "canary-1/20261206T061411Z-canary-1-3918", "--production", "web-*", "--json");
        // no --token-* (and no CHANGEGRAPH_HUB_TOKEN in the test's environment): the hub refuses, one line
        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).startsWith("changegraph: the hub refused").contains("check the token").hasLineCount(1);

        run = cli("fleet", "diff", "--hub", url, "--ca", ca.toString(), "--token-file", tokenFile.toString(),
                "--canary", "canary-1/20261206T061411Z-canary-1-3918", "--production", "web-*", "--json");
        JsonNode answer = JsonMappers.SORTED.readTree(run.out());
        assertThat(answer.path("hosts").get(0).path("host").asText()).isEqualTo("web-2");
        assertThat(answer.path("hosts").get(0).path("deviations").asInt())
                .isGreaterThan(answer.path("hosts").get(1).path("deviations").asInt());
        assertThat(answer.path("command").asText()).isEqualTo("deploy.sh*");
    }

    @Test
    void badInput_isOneLineAndExitTwo() throws IOException {
        Run badFlag = cli("fleet", "diff", "--canary", "canary-1/x", "--no-such-flag");
        assertThat(badFlag.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badFlag.err()).contains("--no-such-flag").hasLineCount(1);

        Run badCanary = cli("fleet", "diff", "--hub", url, "--ca", ca.toString(), "--token-file", tokenFile.toString(),
                "--canary", "canary-1");
        assertThat(badCanary.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badCanary.err()).contains("give HOST/SESSION").hasLineCount(1);

        Run badWindow = cli("fleet", "diff", "--hub", url, "--ca", ca.toString(), "--token-file", tokenFile.toString(),
                "--canary", "canary-1/x", "--window", "forever");
        assertThat(badWindow.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badWindow.err()).contains("--window 'forever'").hasLineCount(1);

        Run unknown = cli("fleet", "diff", "--hub", url, "--ca", ca.toString(), "--token-file", tokenFile.toString(),
                "--canary", "canary-1/no-such-session");
        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("no session 'canary-1/no-such-session'").hasLineCount(1);

        Run untrusted = cli("fleet", "sessions", "--hub", url, "--token-file", tokenFile.toString());
        assertThat(untrusted.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(untrusted.err()).contains("TLS with the hub").contains("--ca FILE").hasLineCount(1);

        Run noHub = cli("fleet", "sessions", "--hub", "https://127.0.0.1:" + freePort(), "--ca", ca.toString());
        assertThat(noHub.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noHub.err()).contains("cannot reach the hub").hasLineCount(1);

        Run noSubcommand = cli("fleet");
        assertThat(noSubcommand.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noSubcommand.err()).contains("sessions").contains("diff");
    }

    static Run cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    static String script(String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(REPO.resolve(script).toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(command.getFirst() + " failed: " + out);
        }
        return out;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
