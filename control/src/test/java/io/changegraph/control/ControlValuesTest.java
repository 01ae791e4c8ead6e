package io.changegraph.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControlValuesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void controlSection_withEverything_isRead() throws Exception {
        ControlSettings s = ControlSettings.parse(JSON.readTree("""
                {"endpoints": ["https://10.0.0.1:2379", "https://10.0.0.2:2379"], "ca": "/etc/cg/ca.pem",
                 "cert": "/etc/cg/host-a.pem", "key": "/etc/cg/host-a-key.pem", "group": "canary", "lease_seconds": 4}"""));
        assertThat(s.endpoints()).containsExactly(URI.create("https://10.0.0.1:2379"), URI.create("https://10.0.0.2:2379"));
        assertThat(s.cert()).isEqualTo(Path.of("/etc/cg/host-a.pem"));
        assertThat(s.group()).isEqualTo("canary");
        assertThat(s.leaseSeconds()).isEqualTo(4);
    }

    @Test
    void controlSection_defaultsToTheDefaultGroupAndAFiveSecondLease() throws Exception {
        ControlSettings s = ControlSettings.parse(JSON.readTree("{\"endpoints\": \"http://127.0.0.1:2379\"}"));
        assertThat(s.group()).isEqualTo("default");
        assertThat(s.leaseSeconds()).isEqualTo(5);
        assertThat(s.registryName("vm1")).isEqualTo("vm1");
        ControlSettings named = ControlSettings.parse(JSON.readTree("{\"endpoints\": \"http://e:1\", \"name\": \"web1\"}"));
        assertThat(named.registryName("vm1")).isEqualTo("web1");
        assertThat(named.withGroup("canary").name()).isEqualTo("web1");
        assertThatThrownBy(() -> ControlSettings.parse(JSON.readTree("{\"endpoints\": \"http://e:1\", \"name\": \"a/b\"}")))
                .hasMessageContaining("not a host name");
    }

    @Test
    void controlSection_mistakes_areOneLineEach() {
        assertThatThrownBy(() -> ControlSettings.parse(JSON.readTree("{\"endpoints\": []}")))
                .hasMessageContaining("at least one URL");
        assertThatThrownBy(() -> ControlSettings.parse(JSON.readTree("{\"endpoints\": [\"https://e:2379\"]}")))
                .hasMessageContaining("needs control.ca");
        assertThatThrownBy(() -> ControlSettings.parse(JSON.readTree("{\"endpoints\": [\"ftp://e:2379\"]}")))
                .hasMessageContaining("must be http://HOST:PORT");
        assertThatThrownBy(() -> ControlSettings.parse(JSON.readTree("{\"endpoints\": [\"http://e:1\"], \"lease_seconds\": 30}")))
                .hasMessageContaining("2 to 10");
        assertThatThrownBy(() -> ControlSettings.parse(JSON.readTree("{\"endpoints\": [\"http://e:1\"], \"user\": \"op\"}")))
                .hasMessageContaining("go together");
        assertThatThrownBy(() -> ControlSettings.parse(JSON.readTree("{\"endpoints\": [\"http://e:1\"], \"grup\": \"x\"}")))
                .hasMessageContaining("unknown key 'control.grup'");
        assertThatThrownBy(() -> ControlSettings.parse(JSON.readTree("{\"endpoints\": [\"http://e:1\"], \"ca\": \"rel.pem\"}")))
                .hasMessageContaining("absolute path");
    }

    @Test
    void target_group_matchesOnlyThatGroup_andAGlob_matchesHostNames() {
        assertThat(Target.fleet().matches("any", "default")).isTrue();
        assertThat(new Target("canary", null).matches("web-1", "canary")).isTrue();
        assertThat(new Target("canary", null).matches("web-1", "default")).isFalse();
        assertThat(new Target(null, "web-*").matches("web-12", "default")).isTrue();
        assertThat(new Target(null, "web-*").matches("db-1", "default")).isFalse();
        assertThat(new Target(null, "db-[12]").matches("db-2", "x")).isTrue();
        assertThat(new Target(null, "web-*")).hasToString("hosts web-*");
    }

    @Test
    void target_bothOrBadNames_areRefused() {
        assertThatThrownBy(() -> new Target("g", "h*")).hasMessageContaining("not both");
        assertThatThrownBy(() -> new Target("a b", null)).hasMessageContaining("is not a name");
        assertThatThrownBy(() -> new Target(null, "a/b")).hasMessageContaining("no '/'");
    }

    @Test
    void backoff_doublesUpToTheMaximum_withJitterInTheUpperHalf_andResets() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(800), new Random(7));
        long[] ceilings = {100, 200, 400, 800, 800, 800};
        for (long c : ceilings) {
            long wait = b.next().toMillis();
            assertThat(wait).isBetween(c / 2, c);
        }
        b.reset();
        assertThat(b.next().toMillis()).isBetween(50L, 100L);
    }

    @Test
    void backoff_jitter_spreadsAgentsThatFailedTogether() {
        java.util.Set<Long> waits = new java.util.HashSet<>();
        for (int seed = 0; seed < 20; seed++) {
            Backoff b = new Backoff(Duration.ofMillis(1000), Duration.ofSeconds(8), new Random(seed));
            waits.add(b.next().toMillis());
        }
        assertThat(waits).hasSizeGreaterThan(10);
    }

    @Test
    void release_andHostStatus_surviveTheirJson() throws Exception {
        Release r = Release.of("rules: []\n", "op@h", "push", new Target("canary", null)).withRevision(42);
        Release back = Release.fromJson(r.toJson(), -1);
        assertThat(back).isEqualTo(r);
        assertThat(r.digest()).startsWith("sha256:").hasSize(19);
        HostStatus h = new HostStatus("web-1", "changegraph 0.1.0", "canary", 42, r.digest(), 7, 2, 0.25, 123456789,
                10.5, 3, "none", Instant.parse("2026-12-06T09:00:00Z"));
        assertThat(HostStatus.fromJson(h.toJson())).isEqualTo(h);
        assertThatThrownBy(() -> Release.fromJson("{\"x\":1}", 1)).hasMessageContaining("not a changegraph release");
    }

    @Test
    void hostStatus_negativeFigures_areRefused() {
        assertThatThrownBy(() -> new HostStatus("h", "v", "g", -1, "local", 0, 0, 0, 0, 0, 0, "none", Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(List.of(new AgentStatus("v", 0, 0, 0).degradation())).containsExactly("none");
    }
}
