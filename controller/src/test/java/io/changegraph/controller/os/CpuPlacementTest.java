package io.changegraph.controller.os;

import io.changegraph.controller.UsageException;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CpuPlacementTest {
    private static BitSet cpus(int... numbers) {
        BitSet set = new BitSet();
        for (int n : numbers) {
            set.set(n);
        }
        return set;
    }

    @Test
    void parse_acceptsAutoNoneAndACpuNumber() {
        assertThat(CpuPlacement.parse("auto")).isEqualTo(CpuPlacement.AUTO);
        assertThat(CpuPlacement.parse("none").mode()).isEqualTo(CpuPlacement.Mode.NONE);
        assertThat(CpuPlacement.parse(" 3 ")).isEqualTo(new CpuPlacement(CpuPlacement.Mode.CPU, 3));
    }

    @Test
    void parse_rejectsAnythingElse_withWhatIsAccepted() {
        for (String bad : new String[] {"-1", "last", "", "1.5"}) {
            assertThatThrownBy(() -> CpuPlacement.parse(bad)).isInstanceOf(UsageException.class)
                    .hasMessage("--cpu must be auto, none or a CPU number (e.g. --cpu 1), not '" + bad + "'");
        }
    }

    @Test
    void auto_choosesTheLastAllowedCpu_onlyWithTwoOrMoreAndTheWatchdog() {
        assertThat(CpuPlacement.AUTO.choose(cpus(0, 1), true)).isEqualTo(OptionalInt.of(1));
        assertThat(CpuPlacement.AUTO.choose(cpus(0, 2, 5), true)).isEqualTo(OptionalInt.of(5));
        assertThat(CpuPlacement.AUTO.choose(cpus(3), true)).as("one CPU: nothing to keep apart").isEmpty();
        assertThat(CpuPlacement.AUTO.choose(cpus(0, 1), false)).as("no watchdog to free a starved thread").isEmpty();
        assertThat(CpuPlacement.AUTO.choose(new BitSet(), true)).as("affinity unknown").isEmpty();
    }

    @Test
    void none_neverPins_anExplicitCpuIsKeptEvenWithoutTheWatchdog() {
        assertThat(CpuPlacement.parse("none").choose(cpus(0, 1), true)).isEmpty();
        assertThat(CpuPlacement.parse("0").choose(cpus(0, 1), false)).isEqualTo(OptionalInt.of(0));
    }

    @Test
    void anExplicitCpuOutsideTheAllowedOnes_isAUsageError_namingThem() {
        assertThatThrownBy(() -> CpuPlacement.parse("4").choose(cpus(0, 1, 2, 3, 6), true))
                .isInstanceOf(UsageException.class)
                .hasMessage("--cpu 4: this process may run on CPUs 0-3,6 only; give one of them, auto or none");
    }

    @Test
    void list_writesRangesLikeProc() {
        assertThat(CpuPlacement.list(cpus(0, 1, 2, 3, 6, 8, 9))).isEqualTo("0-3,6,8-9");
        assertThat(CpuPlacement.list(cpus(7))).isEqualTo("7");
        assertThat(CpuPlacement.list(new BitSet())).isEmpty();
    }

    @Test
    void aCpuNumberGoesWithModeCpuOnly() {
        assertThatThrownBy(() -> new CpuPlacement(CpuPlacement.Mode.AUTO, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CpuPlacement(CpuPlacement.Mode.CPU, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
