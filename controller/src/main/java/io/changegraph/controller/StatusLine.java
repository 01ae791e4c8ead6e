package io.changegraph.controller;

import io.changegraph.consumer.ConsumerStats;
import io.changegraph.probes.ProbeCounters;

import java.io.PrintStream;
import java.time.Duration;

/** The one-line live status on a terminal's stderr ("\r" rewritten); silent when not a terminal. */
final class StatusLine {
    private final PrintStream err;
    private final boolean enabled;
    private long lastNanos = System.nanoTime();
    private boolean shown;

    StatusLine(PrintStream err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    boolean due(Duration every) {
        // also paces the graph snapshots, whether or not the line is shown
        long now = System.nanoTime();
        if (now - lastNanos >= every.toNanos()) {
            lastNanos = now;
            return true;
        }
        return false;
    }

    void show(ConsumerStats stats, ProbeCounters counters, int rootPid) {
        if (!enabled) {
            return;
        }
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
