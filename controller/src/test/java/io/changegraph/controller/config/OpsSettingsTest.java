package io.changegraph.controller.config;

import io.changegraph.controller.UsageException;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpsSettingsTest {
    private static final Path FILE = Path.of("/etc/changegraph/config.yaml");

    @Test
    void noSections_protectionOnWithDefaults_metricsOff() {
        AgentConfig config = AgentConfig.parse("socket: /run/x.sock\n", FILE);
        assertThat(config.ops().protection()).isEqualTo(ProtectionSettings.DEFAULTS);
        assertThat(config.ops().protection().enabled()).isTrue();
        assertThat(config.ops().protection().cpuPercent()).isEqualTo(5);
        assertThat(config.ops().metrics().enabled()).isFalse();
    }

    @Test
    void sections_areRead() {
        AgentConfig config = AgentConfig.parse("""
                protection: {cpu_percent: 2.5, rss_mb: 512, trip_samples: 3, calm_samples: 10, interval: 0.5}
                metrics: {listen: 127.0.0.1:17601}
                """, FILE);
        ProtectionSettings p = config.ops().protection();
        assertThat(p.cpuPercent()).isEqualTo(2.5);
        assertThat(p.rssBytes()).isEqualTo(512L << 20);
        assertThat(p.tripSamples()).isEqualTo(3);
        assertThat(p.calmSamples()).isEqualTo(10);
        assertThat(p.interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(p.heapPercent()).isEqualTo(90);
        assertThat(config.ops().metrics().listen().getPort()).isEqualTo(17601);
        assertThat(config.ops().metrics().listen().getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void metricsEnabledWithoutAddress_listensOnLoopback9464() {
        AgentConfig config = AgentConfig.parse("metrics: {enabled: true}\n", FILE);
        assertThat(config.ops().metrics().listen().getPort()).isEqualTo(9464);
        assertThat(config.ops().metrics().listen().getAddress().isLoopbackAddress()).isTrue();
        assertThat(AgentConfig.parse("metrics: {enabled: false, listen: 127.0.0.1:1}\n", FILE).ops().metrics()
                .enabled()).isFalse();
    }

    @Test
    void protectionOff_isKept() {
        assertThat(AgentConfig.parse("protection: {enabled: false}\n", FILE).ops().protection().enabled()).isFalse();
    }

    @Test
    void badValues_areOneLineNamingTheFileAndKey() {
        assertThatThrownBy(() -> AgentConfig.parse("protection: {cpu_percent: 0}\n", FILE))
                .isInstanceOf(UsageException.class).hasMessageStartingWith(FILE + ": protection cpu_percent");
        assertThatThrownBy(() -> AgentConfig.parse("protection: {cpu: 5}\n", FILE))
                .isInstanceOf(UsageException.class).hasMessageContaining("unknown key 'cpu'");
        assertThatThrownBy(() -> AgentConfig.parse("protection: 5\n", FILE))
                .isInstanceOf(UsageException.class).hasMessageContaining("protection must be a map");
        assertThatThrownBy(() -> AgentConfig.parse("protection: {trip_samples: 0}\n", FILE))
                .isInstanceOf(UsageException.class).hasMessageContaining("trip_samples");
        assertThatThrownBy(() -> AgentConfig.parse("metrics: {listen: localhost}\n", FILE))
                .isInstanceOf(UsageException.class).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> AgentConfig.parse("metrics: {listen: 127.0.0.1:99999}\n", FILE))
                .isInstanceOf(UsageException.class).hasMessageContaining("port must be 0 to 65535");
        assertThatThrownBy(() -> AgentConfig.parse("metrics: {port: 1}\n", FILE))
                .isInstanceOf(UsageException.class).hasMessageContaining("unknown key 'port'");
    }
}
