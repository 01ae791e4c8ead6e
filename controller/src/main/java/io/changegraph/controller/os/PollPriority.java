package io.changegraph.controller.os;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the ring-buffer thread out of the traced work's way without letting the ring buffer fill.
 *
 * <p>On a small machine the recorder's decoding competes for the CPUs of the change it records: a
 * short-lived child of the traced shell that wakes on the CPU where the recorder is decoding waits for it.
 * So the thread runs at a low priority ({@link #LOW_NICE}) while it keeps up, and the ring buffer holds the
 * records meanwhile. A watchdog looks at how much is waiting in the ring buffer: past {@code raiseAt} bytes
 * (the machine is busy with other work and the thread gets too little CPU) it raises the thread to normal
 * priority; once the backlog is back under {@code lowerAt} and the thread has been normal for
 * {@code minNormalNanos}, it lowers it again.
 *
 * <p>Not SCHED_IDLE: its weight is 3 against a normal task's 1024, so on a saturated machine it waits seconds
 * for a CPU and the ring buffer can fill before the watchdog's raise takes effect (seen with a 1 MiB ring
 * buffer beside 8 CPU-bound processes on 2 CPUs). At nice 10 (weight 110) such waits stay short.
 *
 * <p>Thread use: {@link #started} and {@link #stopped} on the ring-buffer thread, {@link #watch} on the
 * watchdog, which alone changes the priority: the lowered thread never holds a lock the watchdog needs.
 */
public final class PollPriority {
    /** the ring-buffer thread's nice value while it keeps up */
    public static final int LOW_NICE = 10;
    private static final Logger LOG = LoggerFactory.getLogger(PollPriority.class);

    /** Sets a thread's priority: low ({@link #LOW_NICE}) or normal. */
    @FunctionalInterface
    interface PrioritySetter {
        void set(int tid, boolean low) throws LibC.NativeException;
    }

    private final PrioritySetter setter;
    private final long raiseAt;
    private final long lowerAt;
    private final long minNormalNanos;
    private int tid;
    private boolean enabled;
    private boolean low;
    private long raisedAtNanos;
    private long raises;

    /**
     * @param raiseAt        backlog (bytes waiting in the ring buffer) at which the thread is raised
     * @param lowerAt        backlog under which a raised thread may be lowered again
     * @param minNormalNanos how long a raised thread stays normal at least (a busy machine stays busy)
     */
    PollPriority(PrioritySetter setter, long raiseAt, long lowerAt, long minNormalNanos) {
        if (lowerAt < 0 || raiseAt <= lowerAt || minNormalNanos < 0) {
            throw new IllegalArgumentException("need 0 <= lowerAt < raiseAt and minNormalNanos >= 0, not "
                    + lowerAt + ", " + raiseAt + ", " + minNormalNanos);
        }
        this.setter = setter;
        this.raiseAt = raiseAt;
        this.lowerAt = lowerAt;
        this.minNormalNanos = minNormalNanos;
    }

    /**
     * The ring-buffer thread {@code tid} starts polling; the watchdog lowers it at its next tick. (Were it
     * to lower itself here, it could be preempted at once while holding this lock.)
     */
    synchronized void started(int tid) {
        this.tid = tid;
        this.enabled = true;
    }

    /** The ring-buffer thread has stopped polling: nothing left to adjust. */
    synchronized void stopped() {
        enabled = false;
    }

    /** Watchdog tick at {@code now} with {@code backlog} bytes waiting in the ring buffer. */
    synchronized void watch(long now, long backlog) {
        if (!enabled) {
            return;
        }
        if (low && backlog >= raiseAt) {
            low = apply(false);
            if (!low) {
                raises++;
                raisedAtNanos = now;
                LOG.debug("ring-buffer thread behind by {} bytes at low priority: raised to normal", backlog);
            }
        } else if (!low && backlog < lowerAt && (raises == 0 || now - raisedAtNanos >= minNormalNanos)) {
            low = apply(true);
        }
    }

    /** Sets the current priority again (what it means may have changed, e.g. the recorder was pinned). */
    synchronized void reapply() {
        if (enabled) {
            low = apply(low);
        }
    }

    synchronized boolean low() {
        return low;
    }

    /** How often the thread had to be raised: a busy machine, not a fault. */
    synchronized long raises() {
        return raises;
    }

    /** Sets the priority; on failure keeps the current one and stops adjusting (it would fail again). */
    private boolean apply(boolean toLow) {
        try {
            setter.set(tid, toLow);
            return toLow;
        } catch (LibC.NativeException e) {
            enabled = false;
            LOG.warn("cannot set the ring-buffer thread to {} priority ({}): it stays at {}",
                    toLow ? "low" : "normal", e.getMessage(), low ? "low" : "normal");
            return low;
        }
    }
}
