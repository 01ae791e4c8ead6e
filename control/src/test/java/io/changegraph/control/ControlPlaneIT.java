package io.changegraph.control;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The control plane against a real etcd (scripts/etcd.sh): three agents' control clients in this JVM. */
class ControlPlaneIT {
    @TempDir
    Path tmp;
    private EtcdServer etcd;
    private final List<AutoCloseable> open = new ArrayList<>();

    /** An agent's side that records what it was given. */
    static final class FakeAgentSide implements ControlAgent.Receiver {
        final Map<Channel, String> content = new ConcurrentHashMap<>();
        volatile String refuse;

        @Override
        public String apply(Channel channel, Release release) {
            if (refuse != null && release.content().contains(refuse)) {
                return "refused: contains " + refuse;
            }
            content.put(channel, release.content());
            return null;
        }

        @Override
        public AgentStatus status() {
            return new AgentStatus("changegraph test", 1, 10, 0);
        }
    }

    @BeforeEach
    void startEtcd() throws Exception {
        etcd = EtcdServer.start(tmp.resolve("etcd"));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        etcd.close();
    }

    private ControlAgent agent(String host, String group, FakeAgentSide side) throws Exception {
        ControlAgent a = new ControlAgent(etcd.settings("host-" + host, group), host, tmp.resolve("cache-" + host), side,
                new Backoff(java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(1), new java.util.Random(1)))
                .start();
        open.add(a);
        return a;
    }

    private Fleet operator() {
        Fleet f = Fleet.connect(etcd.settings("operator", null));
        open.add(f);
        return f;
    }

    static void await(String what, BooleanSupplier condition, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + millis + " ms: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void push_everyAgentReloadsWithinTwoSeconds_andTheRegistryShowsTheRevision() throws Exception {
        List<FakeAgentSide> sides = List.of(new FakeAgentSide(), new FakeAgentSide(), new FakeAgentSide());
        List<ControlAgent> agents = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            agents.add(agent("h" + i, "default", sides.get(i)));
        }
        Fleet fleet = operator();
        await("three hosts registered", () -> fleet.hosts().size() == 3, 10_000);

        Release r = fleet.push(Channel.RULES, "rules: []\n# v1\n", Target.fleet(), "tester@here");
        long pushed = System.nanoTime();
        await("all three on the pushed rules", () -> sides.stream().allMatch(s -> "rules: []\n# v1\n".equals(
                s.content.get(Channel.RULES))), 2_000);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pushed)).isLessThan(2_000);
        await("the registry shows the revision", () -> fleet.hosts().stream()
                .allMatch(h -> h.rulesRevision() == r.revision() && h.rulesDigest().equals(r.digest())), 3_000);
        assertThat(fleet.hosts()).extracting(HostStatus::host).containsExactly("h0", "h1", "h2");
        assertThat(fleet.hosts().getFirst().degradation()).isEqualTo("none");
    }

    @Test
    void grayRelease_toAGroup_reachesOnlyThatGroup_thenPromoteReachesAll_andRollbackRestores() throws Exception {
        FakeAgentSide canary = new FakeAgentSide();
        FakeAgentSide other1 = new FakeAgentSide();
        FakeAgentSide other2 = new FakeAgentSide();
        agent("c1", "canary", canary);
        agent("w1", "default", other1);
        agent("w2", "default", other2);
        Fleet fleet = operator();
        Release v1 = fleet.push(Channel.RULES, "v1", Target.fleet(), "t");
        await("all on v1", () -> List.of(canary, other1, other2).stream().allMatch(s -> "v1".equals(
                s.content.get(Channel.RULES))), 2_000);

        fleet.push(Channel.RULES, "v2", new Target("canary", null), "t");
        await("the canary on v2", () -> "v2".equals(canary.content.get(Channel.RULES)), 2_000);
        Thread.sleep(500);
        assertThat(other1.content.get(Channel.RULES)).isEqualTo("v1");
        assertThat(other2.content.get(Channel.RULES)).isEqualTo("v1");

        Release promoted = fleet.promote(Channel.RULES, "t");
        await("all on v2", () -> List.of(canary, other1, other2).stream().allMatch(s -> "v2".equals(
                s.content.get(Channel.RULES))), 2_000);
        assertThatThrownBy(() -> fleet.promote(Channel.RULES, "t")).isInstanceOf(FleetException.class)
                .hasMessageContaining("no rules are staged");

        fleet.rollback(Channel.RULES, v1.revision(), "t");
        await("all back on v1", () -> List.of(canary, other1, other2).stream().allMatch(s -> "v1".equals(
                s.content.get(Channel.RULES))), 2_000);
        List<HistoryEntry> history = fleet.history(Channel.RULES);
        assertThat(history).extracting(HistoryEntry::action).containsExactly("rollback to " + v1.revision(),
                "promote " + Release.digest("v2") + " from group canary", "push", "push");
        assertThat(history.get(1).revision()).isEqualTo(promoted.revision());
        assertThat(history.get(2).target()).isEqualTo(new Target("canary", null));
        assertThatThrownBy(() -> fleet.rollback(Channel.RULES, 99_999, "t")).hasMessageContaining("not in the rules history");
    }

    @Test
    void grayRelease_toAHostGlob_reachesOnlyMatchingHosts() throws Exception {
        FakeAgentSide web = new FakeAgentSide();
        FakeAgentSide db = new FakeAgentSide();
        agent("web-1", "default", web);
        agent("db-1", "default", db);
        Fleet fleet = operator();
        fleet.push(Channel.CONFIG, "max_sessions_per_user: 8", new Target(null, "web-*"), "t");
        await("web-1 on the staged config", () -> web.content.containsKey(Channel.CONFIG), 2_000);
        Thread.sleep(500);
        assertThat(db.content).doesNotContainKey(Channel.CONFIG);
    }

    @Test
    void aReleaseTheAgentRefuses_isNotApplied_andTheRegistryKeepsTheOldRevision() throws Exception {
        FakeAgentSide side = new FakeAgentSide();
        side.refuse = "BAD";
        ControlAgent a = agent("h1", "default", side);
        Fleet fleet = operator();
        Release good = fleet.push(Channel.RULES, "good", Target.fleet(), "t");
        await("on good", () -> a.revision(Channel.RULES) == good.revision(), 2_000);
        fleet.push(Channel.RULES, "BAD", Target.fleet(), "t");
        Thread.sleep(1_000);
        assertThat(a.revision(Channel.RULES)).isEqualTo(good.revision());
        assertThat(side.content.get(Channel.RULES)).isEqualTo("good");
    }

    @Test
    void etcdStoppedThenStarted_agentsKeepTheLastGoodRules_reconnect_andGetALaterPush() throws Exception {
        FakeAgentSide side = new FakeAgentSide();
        ControlAgent a = agent("h1", "default", side);
        Fleet fleet = operator();
        Release v1 = fleet.push(Channel.RULES, "v1", Target.fleet(), "t");
        await("on v1", () -> a.revision(Channel.RULES) == v1.revision(), 2_000);
        await("connected", a::connected, 5_000);

        etcd.stop();
        await("the agent notices", () -> !a.connected(), 10_000);
        assertThat(side.content.get(Channel.RULES)).isEqualTo("v1");
        assertThat(Files.readString(tmp.resolve("cache-h1/rules.json"))).contains("\"content\":\"v1\"");

        // a restarted agent runs on the cached rules while etcd is still down
        FakeAgentSide restarted = new FakeAgentSide();
        ControlAgent b = new ControlAgent(etcd.settings("host-h1", "default"), "h1", tmp.resolve("cache-h1"), restarted,
                new Backoff(java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(1), new java.util.Random(2)))
                .start();
        open.add(b);
        assertThat(restarted.content.get(Channel.RULES)).isEqualTo("v1");
        assertThat(b.revision(Channel.RULES)).isEqualTo(v1.revision());

        etcd.start();
        await("reconnected", () -> a.connected() && b.connected(), 15_000);
        Release v2 = fleet.push(Channel.RULES, "v2", Target.fleet(), "t");
        await("both on v2", () -> "v2".equals(side.content.get(Channel.RULES))
                && "v2".equals(restarted.content.get(Channel.RULES)), 2_000);
        assertThat(a.revision(Channel.RULES)).isEqualTo(v2.revision());
    }

    @Test
    void aStoppedAgent_leavesTheRegistry_andAnAgentThatStopsRenewing_disappearsWithinItsLease() throws Exception {
        ControlAgent a = agent("h1", "default", new FakeAgentSide());
        Fleet fleet = operator();
        await("registered", () -> fleet.hosts().size() == 1, 5_000);
        a.close();
        await("gone at once after a clean stop", () -> fleet.hosts().isEmpty(), 2_000);

        // a lease nobody renews (what a kill -9 leaves): the key is gone within the TTL
        try (Client c = EtcdConnection.open(etcd.settings("host-h2", "default"))) {
            long lease = c.getLeaseClient().grant(3).get().getID();
            HostStatus s = new HostStatus("h2", "v", "default", 0, "local", 0, 0, 0, 0, 0, 0, "none",
                    java.time.Instant.now());
            c.getKVClient().put(Keys.bytes(Keys.host("h2")), Keys.bytes(s.toJson()),
                    PutOption.builder().withLeaseId(lease).build()).get();
            assertThat(fleet.hosts()).extracting(HostStatus::host).containsExactly("h2");
            long start = System.nanoTime();
            await("expired", () -> fleet.hosts().isEmpty(), 8_000);
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThanOrEqualTo(5);
            assertThat(fleet.recentlyDown(java.time.Duration.ofHours(1))).extracting(HostStatus::host)
                    .containsExactly("h1", "h2");   // both are down now, last seen a moment ago
            assertThat(fleet.recentlyDown(java.time.Duration.ZERO)).isEmpty();
        }
    }

    @Test
    void withTlsAndAuth_anAgentRegistersAndReloads_butCannotWriteAnotherHostsKeyOrPush() throws Exception {
        etcd.close();
        etcd = EtcdServer.start(tmp.resolve("etcd-tls"), List.of("a", "b"));
        FakeAgentSide side = new FakeAgentSide();
        ControlAgent a = agent("a", "default", side);
        Fleet fleet = operator();
        await("a registered over TLS as host-a", () -> fleet.hosts().size() == 1, 10_000);
        Release r = fleet.push(Channel.RULES, "tls", Target.fleet(), "t");
        await("a reloaded", () -> a.revision(Channel.RULES) == r.revision(), 2_000);

        try (Client asA = EtcdConnection.open(etcd.settings("host-a", "default"))) {
            assertThatThrownBy(() -> asA.getKVClient().put(Keys.bytes(Keys.host("b")), Keys.bytes("{}")).get())
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> asA.getKVClient().put(Keys.bytes(Keys.fleetDefault(Channel.RULES)),
                    Keys.bytes("{}")).get()).hasMessageContaining("permission denied");
            asA.getKVClient().put(Keys.bytes(Keys.host("a")), Keys.bytes("{}")).get();   // its own key: allowed
        }
        try (Fleet asAgent = Fleet.connect(etcd.settings("host-a", "default"))) {
            assertThatThrownBy(() -> asAgent.push(Channel.RULES, "x", Target.fleet(), "t"))
                    .isInstanceOf(FleetException.class).hasMessageContaining("permission denied");
        }
        assertThat(fleet.history(Channel.RULES)).hasSize(1);
    }
}
