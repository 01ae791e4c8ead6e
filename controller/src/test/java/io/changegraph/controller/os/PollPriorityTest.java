package io.changegraph.controller.os;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PollPriorityTest {
    private static final long MS = 1_000_000;
    private static final int TID = 4242;

    /** What the watchdog asked for, in order: "low" or "normal". */
    private final List<String> calls = new ArrayList<>();
    private boolean failRaise;

    private PollPriority priority() {
        return new PollPriority((tid, low) -> {
            assertThat(tid).isEqualTo(TID);
            if (!low && failRaise) {
                throw new LibC.NativeException("setpriority", 1);
            }
            calls.add(low ? "low" : "normal");
        }, 1000, 100, 1000 * MS);
    }

    @Test
    void started_isLoweredByTheWatchdog_notByItself() {
        PollPriority p = priority();
        p.started(TID);
        assertThat(calls).isEmpty();   // the polling thread never changes its own priority
        p.watch(0, 0);
        assertThat(calls).containsExactly("low");
        assertThat(p.low()).isTrue();
    }

    @Test
    void beforeStartAndAfterStop_nothingIsChanged() {
        PollPriority p = priority();
        p.watch(0, 5000);
        p.started(TID);
        p.stopped();
        p.watch(MS, 0);
        assertThat(calls).isEmpty();
    }

    @Test
    void backlogPastRaiseAt_raises_andStaysNormalForTheMinimumTime_thenLowersWhenCaughtUp() {
        PollPriority p = priority();
        p.started(TID);
        p.watch(0, 0);
        p.watch(20 * MS, 999);                 // below raiseAt: stays low
        assertThat(p.low()).isTrue();
        p.watch(40 * MS, 1000);                // at raiseAt: raised
        assertThat(p.low()).isFalse();
        assertThat(p.raises()).isEqualTo(1);
        p.watch(60 * MS, 0);                   // caught up, but a busy machine stays busy: not yet
        assertThat(p.low()).isFalse();
        p.watch(1040 * MS, 500);               // long enough, but still behind
        assertThat(p.low()).isFalse();
        p.watch(1060 * MS, 99);                // caught up and long enough: lowered
        assertThat(p.low()).isTrue();
        assertThat(calls).containsExactly("low", "normal", "low");
    }

    @Test
    void aRaiseThatFails_keepsTheCurrentPriority_andStopsAdjusting() {
        PollPriority p = priority();
        p.started(TID);
        p.watch(0, 0);
        failRaise = true;
        p.watch(MS, 5000);
        assertThat(p.low()).isTrue();
        assertThat(p.raises()).isZero();
        failRaise = false;
        p.watch(2 * MS, 5000);
        assertThat(calls).containsExactly("low");
    }

    @Test
    void thresholds_mustLeaveRoomBetweenLoweringAndRaising() {
        assertThatThrownBy(() -> new PollPriority((t, l) -> { }, 100, 100, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PollPriority((t, l) -> { }, 100, -1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
