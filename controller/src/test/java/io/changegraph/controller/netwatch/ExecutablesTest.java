package io.changegraph.controller.netwatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Executables of netwatch's rows: read from /proc while the process runs, remembered after it exited. */
class ExecutablesTest {

    @Test
    void processThatExited_keepsTheExecutableReadWhileItRan_perTgidAndComm_boundedLru() throws Exception {
        Path sleep = Path.of("/usr/bin/sleep").toRealPath();
        Process first = new ProcessBuilder("sleep", "30").start();
        Process second = new ProcessBuilder("sleep", "30").start();
        int a = (int) first.pid();
        int b = (int) second.pid();
        NetwatchCamera.Executables executables = new NetwatchCamera.Executables(2);
        try {
            assertThat(executables.of(a, "sleep")).isEqualTo(sleep.toString());
            assertThat(executables.of(b, "sleep")).isEqualTo(sleep.toString());
            int self = (int) ProcessHandle.current().pid();
            assertThat(executables.of(self, "java")).as("evicts a, the least recently asked")
                    .isEqualTo(Files.readSymbolicLink(Path.of("/proc/self/exe")).toString());
        } finally {
            first.destroyForcibly();
            second.destroyForcibly();
            assertThat(first.waitFor(10, TimeUnit.SECONDS) && second.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(executables.of(b, "sleep")).as("remembered: sums drained after the exit").isEqualTo(sleep.toString());
        assertThat(executables.of(a, "sleep")).as("evicted, gone: its comm").isEqualTo("[sleep]");
        assertThat(executables.of(b, "curl")).as("another comm of that tgid is another process").isEqualTo("[curl]");
    }
}
