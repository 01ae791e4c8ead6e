package io.changegraph.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.changegraph.controller.UsageException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** netwatch's options: what the command reads before it starts the camera. */
class NetwatchCommandTest {
    @Test
    void interval_badText_isOneUsageLine() {
        assertThat(NetwatchCommand.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(NetwatchCommand.duration("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> NetwatchCommand.duration("10")).isInstanceOf(UsageException.class)
                .hasMessage("--interval '10' is not a duration: write 500ms, 10s or 1m");
        assertThatThrownBy(() -> NetwatchCommand.duration("50ms")).isInstanceOf(UsageException.class);
    }
}
