package io.changegraph.controller.cli;

import io.changegraph.controller.UsageException;
import io.changegraph.controller.config.OpsSettings;
import io.changegraph.controller.config.ProtectionSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtectOptionsTest {
    @Test
    void recordFlags_giveTheSameSettings() {
        ProtectOptions options = new ProtectOptions();
        options.cpuPercent = 3;
        options.metrics = ":17602";
        OpsSettings ops = options.settings();
        assertThat(ops.protection().cpuPercent()).isEqualTo(3);
        assertThat(ops.protection().tripSamples()).isEqualTo(ProtectionSettings.DEFAULTS.tripSamples());
        assertThat(ops.metrics().listen().getAddress().isLoopbackAddress()).isTrue();
        options.cpuPercent = 101;
        assertThatThrownBy(options::settings).isInstanceOf(UsageException.class)
                .hasMessageStartingWith("--protect-*: cpu_percent must be");
    }
}
