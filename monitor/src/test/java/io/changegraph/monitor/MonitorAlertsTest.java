package io.changegraph.monitor;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static io.changegraph.monitor.Fixtures.event;
import static io.changegraph.monitor.Fixtures.file;
import static io.changegraph.monitor.Fixtures.process;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Alerts end to end: alert log, outbox, mail through a real SMTP server (GreenMail), webhook. */
class MonitorAlertsTest {
    private static final String RULES = """
            rules:
              - id: system-file-delete
                severity: critical
                description: A file under /etc was deleted
                verbs: [unlink]
                object: {path: "/etc/**"}
            """;

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final ProcessNode shell = process(100, 1, "/usr/bin/bash", 0, "bash", "-l");
    private final ProcessNode rm = process(101, 100, "/usr/bin/rm", 0, "rm", "-f", "/etc/cg-test");
    private final SessionContext session = new Fixtures.Tree("s1", shell, rm);

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private GreenMail smtpServer(int port, boolean auth) {
        GreenMail mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        if (auth) {
            mail.withConfiguration(GreenMailConfiguration.aConfig().withUser("alice@example.com", "alice", "secret"));
        }
        mail.start();
        open.add(mail::stop);
        return mail;
    }

    private MonitorConfig config(int smtpPort, String user, String password) {
        return MonitorConfig.defaults()
                .withAlertLog(dir.resolve("log/alerts.jsonl"))
                .withOutbox(dir.resolve("outbox"))
                .withSmtp(new MonitorConfig.Smtp("127.0.0.1", smtpPort, MonitorConfig.Tls.NONE, user, password,
                        "changegraph@example.com", null, Duration.ofSeconds(2)))
                .withTiming(Duration.ofMillis(300), Duration.ofMillis(300), Duration.ofSeconds(1))
                .withSeverityRecipients(Map.of("critical", List.of("oncall@example.com")))
                .withDrain(Duration.ofSeconds(2));
    }

    private Monitor start(MonitorConfig config) throws Exception {
        Monitor monitor = Monitor.start(RuleSet.parse("r.yaml", RULES, Map.<String, String>of()::get), config);
        open.add(monitor);
        return monitor;
    }

    private long outboxFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("outbox"))) {
            return files.filter(f -> f.toString().endsWith(".json")).count();
        }
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void onEvent_twoDeletesInOneWindow_oneMailListingBothWithAncestry() throws Exception {
        GreenMail server = smtpServer(freePort(), false);
        Monitor monitor = start(config(server.getSmtp().getPort(), null, null));

        List<Alert> first = monitor.onEvent(event(0, rm, Verb.UNLINK, file("/etc/cg-test"), null), session);
        monitor.onEvent(event(0.1, rm, Verb.UNLINK, file("/etc/cg-test2"), null), session);
        monitor.onEvent(event(0.2, rm, Verb.UNLINK, file("/tmp/not-watched"), null), session);

        assertThat(first).singleElement().satisfies(a -> {
            assertThat(a.ruleId()).isEqualTo("system-file-delete");
            assertThat(a.severity()).isEqualTo("critical");
            assertThat(a.edgeSource()).isEqualTo(rm.id());
            assertThat(a.edgeVerb()).isEqualTo(Verb.UNLINK);
        });
        assertThat(server.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage mail = server.getReceivedMessages()[0];
        assertThat(mail.getSubject())
                .isEqualTo("[changegraph] CRITICAL system-file-delete: unlink /etc/cg-test, 2 hits in session s1");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("oncall@example.com");
        String body = GreenMailUtil.getBody(mail);
        assertThat(body).contains("1. 2026-11-21T20:00:00Z  unlink /etc/cg-test", "2. 2026-11-21T20:00:00.100Z  unlink"
                + " /etc/cg-test2", "process: bash[100] > rm[101]", "command: rm -f /etc/cg-test", "A file under /etc");
        assertThat(body).doesNotContain("/tmp/not-watched");

        List<String> log = Files.readAllLines(dir.resolve("log/alerts.jsonl"));
        assertThat(log).hasSize(2);
        JsonNode line = Json.MAPPER.readTree(log.getFirst());
        assertThat(line.get("rule").asText()).isEqualTo("system-file-delete");
        assertThat(line.get("object").asText()).isEqualTo("/etc/cg-test");
        assertThat(line.get("chain").asText()).isEqualTo("bash[100] > rm[101]");
        await("outbox to empty", Duration.ofSeconds(5), () -> outboxFilesQuietly() == 0);
    }

    @Test
    void close_sendsTheLastWindowBeforeStopping() throws Exception {
        GreenMail server = smtpServer(freePort(), false);
        MonitorConfig config = config(server.getSmtp().getPort(), null, null)
                .withTiming(Duration.ofMinutes(10), Duration.ofMillis(300), Duration.ofSeconds(1));
        Monitor monitor = start(config);
        monitor.onEvent(event(rm, Verb.UNLINK, file("/etc/cg-test")), session);
        monitor.close();
        assertThat(server.getReceivedMessages()).hasSize(1);
        assertThat(outboxFiles()).isZero();
    }

    private static final String WARNING_RULES = """
            rules:
              - id: etc-delete
                severity: warning
                verbs: [unlink]
                object: {path: "/etc/**"}
            """;

    @Test
    void mail_rateLimit_holdsWarningsInTheOutbox() throws Exception {
        GreenMail server = smtpServer(freePort(), false);
        MonitorConfig twoPerMinute = config(server.getSmtp().getPort(), null, null).withRateLimits(2, 10)
                .withSeverityRecipients(Map.of("warning", List.of("oncall@example.com")));
        Monitor monitor = Monitor.start(RuleSet.parse("r.yaml", WARNING_RULES, Map.<String, String>of()::get),
                twoPerMinute.withDrain(Duration.ZERO));
        open.add(monitor);
        for (int s = 0; s < 5; s++) {
            monitor.onEvent(event(rm, Verb.UNLINK, file("/etc/cg-test")), new Fixtures.Tree("s" + s, shell, rm));
        }
        assertThat(server.waitForIncomingEmail(5_000, 2)).isTrue();
        Thread.sleep(2_000);
        assertThat(server.getReceivedMessages()).hasSize(2);
        assertThat(outboxFiles()).isEqualTo(3);
    }

    @Test
    void mail_rateLimit_neverHoldsBackCriticalMessages() throws Exception {
        GreenMail server = smtpServer(freePort(), false);
        Monitor monitor = start(config(server.getSmtp().getPort(), null, null).withRateLimits(1, 1));
        for (int s = 0; s < 5; s++) {
            monitor.onEvent(event(rm, Verb.UNLINK, file("/etc/cg-test")), new Fixtures.Tree("s" + s, shell, rm));
        }
        assertThat(server.waitForIncomingEmail(10_000, 5)).isTrue();
        await("outbox to empty", Duration.ofSeconds(5), () -> outboxFilesQuietly() == 0);
    }

    @Test
    void rateLimits_mailAndWebhookCountedApart() throws Exception {
        GreenMail server = smtpServer(freePort(), false);
        List<String> posts = new CopyOnWriteArrayList<>();
        URI url = webhookReceiver(posts);
        MonitorConfig config = config(server.getSmtp().getPort(), null, null).withRateLimits(2, 2)
                .withWebhook(new MonitorConfig.Webhook(url, Duration.ofSeconds(2)))
                .withSeverityRecipients(Map.of("warning", List.of("oncall@example.com")));
        Monitor monitor = Monitor.start(RuleSet.parse("r.yaml", WARNING_RULES, Map.<String, String>of()::get),
                config.withDrain(Duration.ZERO));
        open.add(monitor);
        for (int s = 0; s < 3; s++) {
            monitor.onEvent(event(rm, Verb.UNLINK, file("/etc/cg-test")), new Fixtures.Tree("s" + s, shell, rm));
        }
        assertThat(server.waitForIncomingEmail(5_000, 2)).isTrue();
        await("two webhook posts", Duration.ofSeconds(5), () -> posts.size() == 2);
        Thread.sleep(1_500);
        assertThat(server.getReceivedMessages()).as("mails").hasSize(2);
        assertThat(posts).as("posts, not eaten by the mails' limit").hasSize(2);
    }

    @Test
    void close_smtpDown_waitsTheDrainTime_leavesTheMessageCounted_andFlushSendsIt() throws Exception {
        int port = freePort();
        MonitorConfig config = config(port, null, null).withDrain(Duration.ofMillis(1500));
        Monitor monitor = start(config);
        monitor.onEvent(event(rm, Verb.UNLINK, file("/etc/cg-test")), session);
        long started = System.nanoTime();
        monitor.close();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).as("close waits about the drain time, not more").isBetween(Duration.ofMillis(1400),
                Duration.ofSeconds(6));
        assertThat(monitor.pendingMessages()).isEqualTo(1);
        assertThat(monitor.outbox()).isEqualTo(dir.resolve("outbox"));
        assertThat(outboxFiles()).isEqualTo(1);

        Monitor.FlushReport down = Monitor.flush(config);
        assertThat(down.sent()).isZero();
        assertThat(down.left()).isEqualTo(1);
        assertThat(down.failures()).singleElement().asString().contains("cannot send mail via 127.0.0.1:" + port);

        GreenMail server = smtpServer(port, false);
        Monitor.FlushReport up = Monitor.flush(config);
        assertThat(up.sent()).isEqualTo(1);
        assertThat(up.left()).isZero();
        assertThat(server.getReceivedMessages()).hasSize(1);
        assertThat(outboxFiles()).isZero();
    }

    @Test
    void close_smtpUpAfterAFailedAttempt_deliversWithinTheDrainTime() throws Exception {
        int port = freePort();
        Monitor monitor = start(config(port, null, null).withDrain(Duration.ofSeconds(8)));
        monitor.onEvent(event(rm, Verb.UNLINK, file("/etc/cg-test")), session);
        await("the mail in the outbox", Duration.ofSeconds(5), () -> outboxFilesQuietly() == 1);
        Thread.sleep(500);   // a first attempt fails: nothing listens yet
        GreenMail server = smtpServer(port, false);
        monitor.close();
        assertThat(server.getReceivedMessages()).hasSize(1);
        assertThat(monitor.pendingMessages()).isZero();
    }

    private static final SessionFacts FACTS = new SessionFacts("20261121T200000Z-web01-4242", "web01", "alice", 1000,
            SessionFacts.sshClient("192.0.2.7 51234 192.0.2.1 22"), "/dev/pts/3",
            List.of("./deploy.sh", "--env", "production"), java.time.Instant.parse("2026-11-21T19:59:58Z"),
            "changegraph show 20261121T200000Z-web01-4242");

    @Test
    void mail_namesHostUserSshTtyCommandTimesLinkAndTheCommandToSeeIt() throws Exception {
        GreenMail server = smtpServer(freePort(), false);
        Monitor monitor = start(config(server.getSmtp().getPort(), null, null)
                .withViewerUrl("http://cg.example.com:7070/"));
        monitor.onEvent(event(0, rm, Verb.UNLINK, file("/etc/myapp/myapp.conf.bak"), null),
                new Fixtures.Tree(FACTS, shell, rm));
        monitor.endSession(FACTS.id());

        assertThat(server.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage mail = server.getReceivedMessages()[0];
        assertThat(mail.getSubject()).isEqualTo("[changegraph] CRITICAL system-file-delete on web01 (alice): unlink"
                + " /etc/myapp/myapp.conf.bak, 1 hit in session 20261121T200000Z-web01-4242");
        String body = ((String) mail.getContent()).replace("\r\n", "\n");
        assertThat(body).contains(
                "Host:     web01\n",
                "User:     alice (uid 1000)\n",
                "SSH from: 192.0.2.7:51234 \u2192 :22\n",
                "TTY:      /dev/pts/3\n",
                "Command:  ./deploy.sh --env production\n",
                "Session:  20261121T200000Z-web01-4242, started 2026-11-21T19:59:58Z\n",
                "1. 2026-11-21T20:00:00Z  unlink /etc/myapp/myapp.conf.bak\n",
                "See it:   changegraph show 20261121T200000Z-web01-4242\n",
                "Viewer:   http://cg.example.com:7070/graph.html?session=20261121T200000Z-web01-4242");
    }

    @Test
    void mail_withoutViewerUrlOrSsh_leavesThoseLinesOut() throws Exception {
        GreenMail server = smtpServer(freePort(), false);
        Monitor monitor = start(config(server.getSmtp().getPort(), null, null));
        monitor.onEvent(event(rm, Verb.UNLINK, file("/etc/cg-test")), session);
        monitor.endSession("s1");
        assertThat(server.waitForIncomingEmail(10_000, 1)).isTrue();
        String body = GreenMailUtil.getBody(server.getReceivedMessages()[0]);
        assertThat(body).doesNotContain("Viewer:", "SSH from:", "TTY:");
    }

    private URI webhookReceiver(List<String> posts) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/hook", exchange -> {
            posts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        http.start();
        open.add(() -> http.stop(0));
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/hook");
    }

    @Test
    void webhook_jsonHasHostUserAndSessionAtTheTopLevel() throws Exception {
        List<String> posts = new CopyOnWriteArrayList<>();
        MonitorConfig config = MonitorConfig.defaults().withOutbox(dir.resolve("outbox"))
                .withWebhook(new MonitorConfig.Webhook(webhookReceiver(posts), Duration.ofSeconds(2)))
                .withViewerUrl("http://cg.example.com:7070")
                .withTiming(Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofSeconds(1));
        Monitor monitor = start(config);
        monitor.onEvent(event(rm, Verb.UNLINK, file("/etc/myapp/myapp.conf.bak")), new Fixtures.Tree(FACTS, shell, rm));
        monitor.endSession(FACTS.id());

        await("the webhook post", Duration.ofSeconds(5), () -> posts.size() == 1);
        JsonNode post = Json.MAPPER.readTree(posts.getFirst());
        assertThat(post.get("host").asText()).isEqualTo("web01");
        assertThat(post.get("user").asText()).isEqualTo("alice");
        assertThat(post.get("uid").asInt()).isEqualTo(1000);
        assertThat(post.get("ssh_client").asText()).isEqualTo("192.0.2.7:51234 \u2192 :22");
        assertThat(post.get("tty").asText()).isEqualTo("/dev/pts/3");
        assertThat(post.get("command").toString()).isEqualTo("[\"./deploy.sh\",\"--env\",\"production\"]");
        assertThat(post.get("started").asText()).isEqualTo("2026-11-21T19:59:58Z");
        assertThat(post.get("object").asText()).isEqualTo("/etc/myapp/myapp.conf.bak");
        assertThat(post.get("first").asText()).isEqualTo("2026-11-21T20:00:00Z");
        assertThat(post.get("see").asText()).isEqualTo("changegraph show " + FACTS.id());
        assertThat(post.get("viewer").asText())
                .isEqualTo("http://cg.example.com:7070/graph.html?session=" + FACTS.id());
    }

    @Test
    void mail_implicitTls_arrives() throws Exception {
        GreenMail server = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTPS));
        server.start();
        open.add(server::stop);
        MonitorConfig config = config(25, null, null).withSmtp(new MonitorConfig.Smtp("127.0.0.1",
                server.getSmtps().getPort(), MonitorConfig.Tls.IMPLICIT, null, null, "changegraph@example.com", "*",
                Duration.ofSeconds(2)));
        Monitor monitor = start(config);
        monitor.onEvent(event(rm, Verb.UNLINK, file("/etc/cg-test")), session);
        assertThat(server.waitForIncomingEmail(10_000, 1)).isTrue();
    }

    @Test
    void mail_smtpDownFor10sThenUp_arrivesOnceNotTwice() throws Exception {
        int port = freePort();
        Monitor monitor = start(config(port, null, null));
        monitor.onEvent(event(rm, Verb.UNLINK, file("/etc/cg-test")), session);

        Thread.sleep(10_000);
        assertThat(outboxFiles()).as("the mail waits in the outbox while SMTP is down").isEqualTo(1);
        GreenMail server = smtpServer(port, false);
        assertThat(server.waitForIncomingEmail(10_000, 1)).isTrue();
        Thread.sleep(3_000);
        assertThat(server.getReceivedMessages()).hasSize(1);
        assertThat(outboxFiles()).isZero();
    }

    @Test
    void mail_authenticationFails_clearErrorLine_tracingUnaffected() throws Exception {
        GreenMail server = smtpServer(freePort(), true);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(LiveMonitor.class);
        logger.addAppender(logs);
        logs.start();
        open.add(() -> logger.detachAppender(logs));
        Monitor monitor = start(config(server.getSmtp().getPort(), "alice", "wrong"));

        long started = System.nanoTime();
        int alerts = 0;
        for (int i = 0; i < 20_000; i++) {
            alerts += monitor.onEvent(event(i / 1000.0, rm, Verb.UNLINK, file("/etc/f" + i), null), session).size();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(alerts).isEqualTo(20_000);
        assertThat(took).as("evaluation does not wait for SMTP").isLessThan(Duration.ofSeconds(5));
        await("the authentication error line", Duration.ofSeconds(10), () -> logs.list.stream()
                .anyMatch(e -> e.getLevel() == Level.ERROR
                        && e.getFormattedMessage().contains("SMTP authentication failed for user 'alice' at 127.0.0.1:")));
        assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.ERROR).allSatisfy(e -> {
            assertThat(e.getFormattedMessage()).doesNotContain("wrong").doesNotContain("\n");
            assertThat(e.getThrowableProxy()).isNull();
        });
        assertThat(server.getReceivedMessages()).isEmpty();
        assertThat(monitor.droppedHits()).isZero();
    }

    @Test
    void outbox_pendingMailSurvivesRestart_andIsSentByTheNextMonitor() throws Exception {
        int port = freePort();
        Monitor first = start(config(port, null, null));
        first.onEvent(event(rm, Verb.UNLINK, file("/etc/cg-test")), session);
        await("the mail in the outbox", Duration.ofSeconds(5), () -> outboxFilesQuietly() == 1);
        first.close();

        GreenMail server = smtpServer(port, false);
        start(config(port, null, null));
        assertThat(server.waitForIncomingEmail(10_000, 1)).isTrue();
        assertThat(server.getReceivedMessages()[0].getSubject()).endsWith("1 hit in session s1");
    }

    @Test
    void webhook_receivesOneJsonPostPerSessionAndRule() throws Exception {
        List<String> posts = new CopyOnWriteArrayList<>();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/hook", exchange -> {
            posts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        http.start();
        open.add(() -> http.stop(0));
        URI url = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/hook");
        MonitorConfig config = MonitorConfig.defaults().withOutbox(dir.resolve("outbox"))
                .withWebhook(new MonitorConfig.Webhook(url, Duration.ofSeconds(2)))
                .withTiming(Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofSeconds(1));
        Monitor monitor = start(config);

        monitor.onEvent(event(rm, Verb.UNLINK, file("/etc/cg-test")), session);
        monitor.endSession("s1");

        await("the webhook post", Duration.ofSeconds(5), () -> posts.size() == 1);
        JsonNode post = Json.MAPPER.readTree(posts.getFirst());
        assertThat(post.get("rule").asText()).isEqualTo("system-file-delete");
        assertThat(post.get("total").asInt()).isEqualTo(1);
        assertThat(post.at("/hits/0/subject/argv/0").asText()).isEqualTo("rm");
    }

    @Test
    void start_unwritableAlertLog_saysWhichFileAndWhatToDo() throws Exception {
        Files.writeString(dir.resolve("not-a-dir"), "x");
        MonitorConfig config = MonitorConfig.defaults().withAlertLog(dir.resolve("not-a-dir/alerts.jsonl"));
        assertThatThrownBy(() -> start(config))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot open the alert log " + dir.resolve("not-a-dir/alerts.jsonl"))
                .hasMessageEndingWith("make it writable or set alerts.log in the rules file");
    }

    @Test
    void onEvent_withoutRulesForTheVerb_returnsNoAlertsAndQueuesNothing() throws Exception {
        Monitor monitor = start(MonitorConfig.defaults().withAlertLog(dir.resolve("alerts.jsonl")));
        Event read = event(rm, Verb.READ, file("/etc/cg-test"));
        assertThat(monitor.onEvent(read, session)).isEmpty();
        monitor.close();
        assertThat(Files.readString(dir.resolve("alerts.jsonl"))).isEmpty();
    }

    private long outboxFilesQuietly() {
        try {
            return outboxFiles();
        } catch (IOException e) {
            return -1;
        }
    }
}
