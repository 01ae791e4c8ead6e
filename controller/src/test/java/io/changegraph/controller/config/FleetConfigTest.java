package io.changegraph.controller.config;

import io.changegraph.controller.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FleetConfigTest {
    @TempDir
    Path tmp;

    @Test
    void check_pushableKeys_areValidatedLikeConfigYaml() {
        assertThat(FleetConfig.check("max_sessions_per_user: 16\npayload_bytes: 0\n", "f.yaml").size()).isEqualTo(2);
        assertThatThrownBy(() -> FleetConfig.check("payload_bytes: 999999\n", "f.yaml"))
                .isInstanceOf(UsageException.class).hasMessageContaining("payload_bytes must be 0");
    }

    @Test
    void check_aHostsOwnKey_isRefusedWithTheReason_andAnUnknownKeyAsUnknown() {
        assertThatThrownBy(() -> FleetConfig.check("socket: /run/x.sock\n", "f.yaml"))
                .hasMessageContaining("'socket' cannot be pushed").hasMessageContaining("each host's own");
        assertThatThrownBy(() -> FleetConfig.check("control: {endpoints: [http://x:1]}\n", "f.yaml"))
                .hasMessageContaining("'control' cannot be pushed");
        assertThatThrownBy(() -> FleetConfig.check("colour: red\n", "f.yaml")).hasMessageContaining("(unknown key)");
        assertThatThrownBy(() -> FleetConfig.check("", "f.yaml")).hasMessageContaining("expected keys like");
    }

    @Test
    void overlay_keepsTheHostsOwnKeys_andTakesThePushedOnes() throws Exception {
        Path own = Files.writeString(tmp.resolve("config.yaml"), "store: " + tmp.resolve("store")
                + "\nmax_sessions_per_user: 4\nmax_registrations_per_minute: 9\ncontrol:\n  endpoints: [http://127.0.0.1:2379]\n");
        AgentConfig local = AgentConfig.load(own);
        AgentConfig merged = FleetConfig.overlay(local, "max_sessions_per_user: 16\npayload_bytes: 0\n");
        assertThat(merged.store()).isEqualTo(tmp.resolve("store"));
        assertThat(merged.limits().sessionsPerUser()).isEqualTo(16);
        assertThat(merged.limits().registrationsPerMinute()).isEqualTo(9);
        assertThat(merged.payloadBytes()).isZero();
        assertThat(merged.control()).isEqualTo(local.control());
    }

    @Test
    void agentConfig_controlSection_isParsed_andItsMistakesNameTheFile() throws Exception {
        Path f = Files.writeString(tmp.resolve("c.yaml"), "control:\n  endpoints: [http://127.0.0.1:2379]\n  group: canary\n");
        assertThat(AgentConfig.load(f).control().group()).isEqualTo("canary");
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "control:\n  endpoints: [https://127.0.0.1:2379]\n");
        assertThatThrownBy(() -> AgentConfig.load(bad)).isInstanceOf(UsageException.class)
                .hasMessageContaining("bad.yaml").hasMessageContaining("control.ca");
        assertThat(AgentConfig.load(Files.writeString(tmp.resolve("none.yaml"), "retention_days: 3\n")).control()).isNull();
    }
}
