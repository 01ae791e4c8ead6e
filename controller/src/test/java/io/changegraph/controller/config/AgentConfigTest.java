package io.changegraph.controller.config;

import io.changegraph.controller.UsageException;
import io.changegraph.controller.os.CpuPlacement;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentConfigTest {
    private static final Path FILE = Path.of("/etc/changegraph/config.yaml");

    @Test
    void parse_emptyFile_givesTheDocumentedDefaults() {
        AgentConfig c = AgentConfig.parse("", FILE);
        assertThat(c.socket()).isEqualTo(Path.of("/run/changegraph/agent.sock"));
        assertThat(c.store()).isEqualTo(Path.of("/var/lib/changegraph"));
        assertThat(c.failClosed()).isFalse();
        assertThat(c.retentionDays()).isEqualTo(90);
        assertThat(c.flushInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.cpu()).isEqualTo(CpuPlacement.AUTO);
    }

    @Test
    void parse_everyKey_isRead() {
        AgentConfig c = AgentConfig.parse("socket: /tmp/a.sock\nstore: /srv/cg\nfail_closed: true\nretention_days: 7\n"
                + "flush_interval: 0.25\nrules: /etc/changegraph/rules.yaml\ncpu: 1\n", FILE);
        assertThat(c.socket()).isEqualTo(Path.of("/tmp/a.sock"));
        assertThat(c.store()).isEqualTo(Path.of("/srv/cg"));
        assertThat(c.failClosed()).isTrue();
        assertThat(c.retentionDays()).isEqualTo(7);
        assertThat(c.flushInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.rules()).isEqualTo(Path.of("/etc/changegraph/rules.yaml"));
        assertThat(c.cpu()).isEqualTo(new CpuPlacement(CpuPlacement.Mode.CPU, 1));
        assertThat(AgentConfig.parse("cpu: none", FILE).cpu().mode()).isEqualTo(CpuPlacement.Mode.NONE);
    }

    @Test
    void parse_badInput_isOneLineNamingTheFileAndKey() {
        for (var bad : List.of(List.of("sockets: /x", "unknown key 'sockets'"), List.of("fail_closed: maybe",
                "fail_closed must be true or false"), List.of("store: relative/dir", "store must be an absolute path"),
                List.of("flush_interval: 5", "at most 1 second"), List.of("retention_days: 0", "at least 1"),
                List.of("socket: [unclosed", "not valid YAML"), List.of("cpu: last", "cpu must be auto, none or a CPU number"),
                List.of("cpu: -2", "cpu must be auto, none or a CPU number"))) {
            assertThatThrownBy(() -> AgentConfig.parse(bad.get(0), FILE)).isInstanceOf(UsageException.class)
                    .hasMessageContaining(bad.get(1)).satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void load_missingGivenFile_isAUsageError_missingDefaultFile_givesDefaults() {
        assertThatThrownBy(() -> AgentConfig.load(Path.of("/nonexistent/config.yaml")))
                .isInstanceOf(UsageException.class).hasMessageContaining("does not exist");
    }

    @Test
    void parse_netwatch_offByDefault_onWithItsInterval_andTheLogInTheStore() {
        assertThat(AgentConfig.parse("", FILE).netwatch()).isNull();
        AgentConfig on = AgentConfig.parse("store: /srv/cg\nnetwatch: true\n", FILE);
        assertThat(on.netwatch()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(on.netwatchLog()).isEqualTo(java.nio.file.Path.of("/srv/cg/netwatch.jsonl"));
        assertThat(AgentConfig.parse("netwatch: true\nnetwatch_interval: 2\n", FILE).netwatch())
                .isEqualTo(java.time.Duration.ofSeconds(2));
        assertThatThrownBy(() -> AgentConfig.parse("netwatch: true\nnetwatch_interval: 0\n", FILE))
                .isInstanceOf(UsageException.class).hasMessageContaining("netwatch_interval must be 1 to 3600 seconds");
        assertThatThrownBy(() -> AgentConfig.parse("netwatch: yes please\n", FILE))
                .isInstanceOf(UsageException.class).hasMessageContaining("netwatch must be true or false");
    }

    @Test
    void parse_payloadBytes_setsTheProbeTunableAndRejectsTooMany() {
        AgentConfig off = AgentConfig.parse("payload_bytes: 0\n", java.nio.file.Path.of("/etc/changegraph/config.yaml"));
        org.assertj.core.api.Assertions.assertThat(off.tunables(io.changegraph.probes.ProbeTunables.DEFAULTS).payloadBytes())
                .isZero();
        org.assertj.core.api.Assertions.assertThat(AgentConfig.defaults().payloadBytes()).isEqualTo(512);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AgentConfig.parse("payload_bytes: 5000\n",
                java.nio.file.Path.of("/etc/changegraph/config.yaml"))).isInstanceOf(UsageException.class)
                .hasMessageContaining("payload_bytes must be 0 (payload capture off) to 4096");
    }
}
