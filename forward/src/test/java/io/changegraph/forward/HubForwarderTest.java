package io.changegraph.forward;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.changegraph.repository.io.JsonMappers;
import io.changegraph.repository.store.SessionRecord;
import io.changegraph.repository.store.SessionStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

class HubForwarderTest {
    @TempDir
    static Path certDir;
    static TestCerts certs;

    @TempDir
    Path dir;
    SessionStore store;
    ContractHub hub;
    final ListAppender<ILoggingEvent> log = new ListAppender<>();
    final List<HubForwarder> forwarders = new ArrayList<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = new TestCerts(certDir).ca("ca").leaf("ca", "hub", "ec", "IP:127.0.0.1,DNS:localhost")
                .leaf("ca", "hosta", "ec", null).leaf("ca", "hostb", "rsa:2048", null)
                .ca("otherca").leaf("otherca", "intruder", "ec", null);
    }

    @BeforeEach
    void setUp() throws IOException {
        store = new SessionStore(dir.resolve("store")).create();
        hub = new ContractHub(certs);
        log.start();
        ((Logger) LoggerFactory.getLogger(HubForwarder.class)).addAppender(log);
    }

    @AfterEach
    void tearDown() {
        forwarders.forEach(HubForwarder::close);
        hub.close();
        ((Logger) LoggerFactory.getLogger(HubForwarder.class)).detachAppender(log);
    }

    private HubForwarder forwarder(String host, long backlog) {
        HubForwarder f = HubForwarder.start(hub.settings(certs, host, backlog), store, host, () -> { });
        forwarders.add(f);
        return f;
    }

    private HubForwarder forwarder(String host) {
        return forwarder(host, 256L << 20);
    }

    @Test
    void forward_lostAnswersAndAnOutage_everyEventArrivesOnceWithTheFinalGraph() throws Exception {
        SessionRecord r = Sessions.live(store, "hosta", Instant.parse("2026-12-06T09:00:00Z"));
        Sessions.append(store, r, 0, 12_000);
        Sessions.end(store, r);
        hub.unavailable.set(2);
        hub.loseAnswers.set(2);

        forwarder("hosta");

        await(() -> held(r) != null && held(r).graph != null, 60);
        ContractHub.Held h = held(r);
        assertThat(h.events).hasSize(12_000);
        assertThat(h.events.firstKey()).isZero();
        assertThat(h.events.lastKey()).isEqualTo(11_999L);
        List<String> journal = Sessions.journalLines(store, r);
        for (int i = 0; i < journal.size(); i++) {
            assertThat(h.events.get((long) i)).isEqualTo(JsonMappers.SORTED.readTree(journal.get(i)).toString());
        }
        assertThat(h.offeredAgain).as("the batches whose answers were lost were sent again").isPositive();
        assertThat(hub.gzipped.get()).as("large bodies go gzip-encoded").isPositive();
        assertThat(h.session.path("state").asText()).isEqualTo("ended");
        assertThat(h.graph.path("stats").path("events").asLong()).isEqualTo(12_000);
        await(() -> messages().stream().anyMatch(m -> m.contains("reachable again")), 10);
        assertThat(messages()).anyMatch(m -> m.contains("unavailable") && m.contains("HTTP 503"));
    }

    @Test
    void hubNotListeningYet_connectionRefusedIsSaid_andEverythingGoesWhenItComes() throws Exception {
        SessionRecord r = Sessions.live(store, "hosta", Instant.parse("2026-12-06T09:00:00Z"));
        Sessions.append(store, r, 0, 700);
        Sessions.end(store, r);
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HubSettings at = hub.settings(certs, "hosta", 1 << 20);
        forwarders.add(HubForwarder.start(new HubSettings(java.net.URI.create("https://127.0.0.1:" + port), at.cert(),
                at.key(), at.ca(), at.backlogBytes()), store, "hosta", () -> { }));
        await(() -> messages().stream().anyMatch(m -> m.contains("unavailable: cannot connect to 127.0.0.1:" + port
                + " (connection refused")), 30);

        try (ContractHub late = new ContractHub(certs, port)) {
            await(() -> late.sessions.get(r.id()) != null && late.sessions.get(r.id()).graph != null, 60);
            assertThat(late.sessions.get(r.id()).events).hasSize(700);
        }
        await(() -> messages().stream().anyMatch(m -> m.contains("reachable again")), 10);
    }

    @Test
    void restart_resumesFromTheSavedProgress_withoutSendingAnyEventTwice() throws Exception {
        SessionRecord r = Sessions.live(store, "hosta", Instant.parse("2026-12-06T09:00:00Z"));
        Sessions.append(store, r, 0, 3000);
        HubForwarder first = forwarder("hosta");
        await(() -> held(r) != null && held(r).nextSeq() == 3000, 30);
        first.close();
        assertThat(Files.readString(store.directory(r.id()).resolve("hub.json"))).contains("\"next_seq\":3000");

        Sessions.append(store, r, 3000, 2000);   // recorded while no forwarder ran
        Sessions.end(store, r);
        forwarder("hosta");

        await(() -> held(r).graph != null, 30);
        assertThat(held(r).events).hasSize(5000);
        assertThat(held(r).offeredAgain).isZero();
        assertThat(held(r).events.get(4999L)).isEqualTo(JsonMappers.SORTED.readTree(Sessions.line(4999)).toString());
    }

    @Test
    void hubLostItsCopy_theGapIsAnswered409_andTheForwarderResendsFromTheHubsNextSeq() throws Exception {
        SessionRecord r = Sessions.live(store, "hosta", Instant.parse("2026-12-06T09:00:00Z"));
        Sessions.append(store, r, 0, 1000);
        forwarder("hosta");
        await(() -> held(r) != null && held(r).nextSeq() == 1000, 30);

        hub.sessions.clear();   // e.g. the hub's database restored from an older backup
        Sessions.append(store, r, 1000, 500);
        Sessions.end(store, r);

        await(() -> held(r) != null && held(r).graph != null, 30);
        assertThat(hub.conflicts.get()).isPositive();
        assertThat(held(r).events).hasSize(1500);
        assertThat(held(r).events.lastKey()).isEqualTo(1499L);
    }

    @Test
    void backlogOverItsBound_theOldestSessionsEventsAreGivenUp_andTheLogAndTheHubSaySo() throws Exception {
        SessionRecord old = Sessions.live(store, "hosta", Instant.parse("2026-12-06T08:00:00Z"));
        Sessions.append(store, old, 0, 4000);
        Sessions.end(store, old);
        SessionRecord recent = Sessions.live(store, "hosta", Instant.parse("2026-12-06T09:00:00Z"));
        Sessions.append(store, recent, 0, 2000);
        Sessions.end(store, recent);
        long oldBytes = Files.size(store.journal(old.id()));
        long recentBytes = Files.size(store.journal(recent.id()));
        assertThat(recentBytes).isLessThan(1 << 20);
        assertThat(oldBytes + recentBytes).isGreaterThan(1 << 20);
        hub.unavailable.set(1_000_000);   // the hub is away while they are recorded

        forwarder("hosta", 1 << 20);

        await(() -> Files.exists(store.directory(old.id()).resolve("hub.json")), 30);
        hub.unavailable.set(0);
        await(() -> held(old) != null && held(old).graph != null && held(recent) != null
                && held(recent).graph != null, 60);
        assertThat(held(recent).events).hasSize(2000);
        assertThat(held(old).events).isEmpty();
        assertThat(held(old).session.path("unforwarded_events").asLong()).isEqualTo(4000);
        assertThat(held(recent).session.path("unforwarded_events").asLong()).isZero();
        assertThat(Files.readString(store.directory(old.id()).resolve("hub.json"))).contains("\"events_given_up\":true");
        assertThat(messages()).anyMatch(m -> m.contains("backlog") && m.contains(old.id()) && m.contains("4000 events"));
    }

    @Test
    void sessionOfAnotherHost_isRefused403_andTheHostsOwnSessionsStillGo() throws Exception {
        SessionRecord other = Sessions.live(store, "hostb", Instant.parse("2026-12-06T08:00:00Z"));
        Sessions.append(store, other, 0, 10);
        Sessions.end(store, other);
        SessionRecord own = Sessions.live(store, "hosta", Instant.parse("2026-12-06T09:00:00Z"));
        Sessions.append(store, own, 0, 10);
        Sessions.end(store, own);

        forwarder("hosta");

        await(() -> held(own) != null && held(own).graph != null, 30);
        assertThat(held(other)).isNull();
        assertThat(messages().stream().filter(m -> m.contains("hub refused session " + other.id()) && m.contains("403")))
                .as("said once").hasSize(1);
    }

    @Test
    void certificateFromAnotherCa_isRefusedByTheHub_andTheLogSaysSo() throws Exception {
        SessionRecord r = Sessions.live(store, "intruder", Instant.parse("2026-12-06T09:00:00Z"));
        Sessions.append(store, r, 0, 10);
        HubSettings s = hub.settings(certs, "intruder", 1 << 20);
        forwarders.add(HubForwarder.start(new HubSettings(s.url(), s.cert(), s.key(), certs.file("ca.crt"),
                s.backlogBytes()), store, "intruder", () -> { }));

        await(() -> messages().stream().anyMatch(m -> m.contains("refused this host's certificate")), 30);
        assertThat(hub.sessions).isEmpty();
    }

    @Test
    void hostNameOtherThanTheCertificates_isSaidAtStart() {
        forwarder("hostb").close();
        HubForwarder.start(hub.settings(certs, "hosta", 1 << 20), store, "web-7", () -> { }).close();
        assertThat(messages()).anyMatch(m -> m.contains("for 'hosta' but its sessions are recorded as host 'web-7'"));
    }

    private ContractHub.Held held(SessionRecord r) {
        return hub.sessions.get(r.id());
    }

    private List<String> messages() {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static void await(BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s");
            }
            Thread.sleep(20);
        }
    }
}
