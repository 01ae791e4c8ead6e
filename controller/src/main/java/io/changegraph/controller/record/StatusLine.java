package io.changegraph.controller.record;

import io.changegraph.consumer.ConsumerStats;
import io.changegraph.probes.ProbeCounters;

import java.io.PrintStream;
import java.time.Duration;

/** The one-line live status on a terminal's stderr ("\r" rewritten) every second; silent when not a terminal. */
final class StatusLine {
    private static final long EVERY_NANOS = Duration.ofSeconds(1).toNanos();

    private final PrintStream err;
    private final boolean enabled;
    private long lastNanos = System.nanoTime();
    private boolean shown;

    StatusLine(PrintStream err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    /** Is the line enabled and a second old? Asked first, so the figures are read only when shown. */
    boolean due() {
        long now = System.nanoTime();
        if (!enabled || now - lastNanos < EVERY_NANOS) {
            return false;
        }
        lastNanos = now;
        return true;
    }

    void show(ConsumerStats stats, ProbeCounters counters, int rootPid) {
        err.printf("\r\033[Kchangegraph: recording pid %d: %d events, %d lost, %d dropped", rootPid, stats.events(),
                counters.total(), stats.droppedUser());
        err.flush();
        shown = true;
    }

    void clear() {
        if (shown) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
