package io.changegraph.controller;

import io.changegraph.probes.ProbeTunables;
import io.changegraph.probes.RecordHandler;
import io.changegraph.probes.TraceProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The loaded probes plus the one dedicated thread that polls their ring buffer into a handler, and (with
 * low priority) the watchdog that raises that thread when records pile up ({@link PollPriority}).
 * Used by {@code record} (one session) and by the agent (many sessions, one probe).
 * Lifecycle: {@link #start} → {@link TraceProbe#follow} as needed → {@link #stopAndDrain} → {@link #close}.
 */
final class Tracing implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);
    private static final int POLL_TIMEOUT_MS = 50;
    /** while records wait: often enough that a starved poller is raised long before the ring buffer fills */
    private static final long WATCH_EVERY_MS = 20;
    /** while nothing waits (an idle agent): a burst needs longer than this to fill even a small ring buffer */
    private static final long WATCH_IDLE_EVERY_MS = 100;
    private static final long MIN_NORMAL_MS = 1000;

    private final TraceProbe probe;
    private final RecordHandler handler;
    private final Thread poller;
    /** null when the recorder keeps normal priority (asked to, or cannot raise itself again) */
    private final PollPriority priority;
    private final Thread watchdog;

    private volatile boolean stop;
    private volatile RuntimeException failure;

    private Tracing(TraceProbe probe, RecordHandler handler, PollPriority priority) {
        this.probe = probe;
        this.handler = handler;
        this.priority = priority;
        this.poller = Thread.ofPlatform().name("changegraph-ringbuf").daemon(true).unstarted(this::pollLoop);
        // started by this (normal-priority) thread, not by the poller, whose lowered priority it would inherit
        this.watchdog = Thread.ofPlatform().name("changegraph-watch").daemon(true).unstarted(this::watchLoop);
    }

    /**
     * Opens, configures, loads and attaches the probes and starts polling into {@code handler}. With
     * {@code lowPriority} the polling thread gives way to the traced work while it keeps up (see
     * {@link PollPriority}); that needs CAP_SYS_NICE to raise it again when it does not.
     */
    static Tracing start(ProbeTunables tunables, RecordHandler handler, boolean lowPriority) {
        long start = System.nanoTime();
        TraceProbe probe = TraceProbe.open();
        try {
            if (probe.usesTracefs()) {
                new EnvironmentCheck().requireTracefs();
            }
            probe.configure(tunables.withRecorderTgid((int) ProcessHandle.current().pid())).load();
            int programs = probe.attach();
            LOG.info("{} probes attached in {} ms ({} ms after the process started)", programs,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Recorder.sinceProcessStart().toMillis());
            PollPriority priority = null;
            if (lowPriority && new EnvironmentCheck().canRaisePriority()) {
                // the probes wake the poller once a sixteenth of the ring buffer waits: twice that is a
                // poller that does not get the CPU (or a burst)
                long ring = tunables.ringBufferBytes();
                priority = new PollPriority(Tracing::setNice, ring / 8, ring / 16,
                        TimeUnit.MILLISECONDS.toNanos(MIN_NORMAL_MS));
            } else if (lowPriority) {
                LOG.info("no CAP_SYS_NICE: the ring-buffer thread keeps normal priority");
            }
            Tracing tracing = new Tracing(probe, handler, priority);
            tracing.poller.start();
            if (priority != null) {
                tracing.watchdog.start();
            }
            return tracing;
        } catch (RuntimeException e) {
            probe.close();
            throw e;
        }
    }

    private static void setNice(int tid, boolean low) throws LibC.NativeException {
        LibC.setThreadNice(tid, low ? PollPriority.LOW_NICE : 0);
    }

    TraceProbe probe() {
        return probe;
    }

    /** Why polling stopped on its own, or null while it runs. */
    RuntimeException failure() {
        return failure;
    }

    /** Stops the polling thread, then hands over whatever is still in the ring buffer. */
    void stopAndDrain() throws InterruptedException {
        stop = true;
        poller.join();   // the watchdog still raises it if it is starved
        stopWatchdog();
        if (priority != null && priority.raises() > 0) {
            LOG.info("the ring-buffer thread fell behind at low priority {} times and was raised to normal",
                    priority.raises());
        }
        probe.drain(handler);
    }

    @Override
    public void close() {
        stop = true;
        try {
            poller.join(2000);
            stopWatchdog();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        probe.close();
    }

    private void stopWatchdog() throws InterruptedException {
        watchdog.interrupt();
        if (watchdog.isAlive()) {
            watchdog.join();
        }
    }

    private void pollLoop() {
        if (priority != null) {
            priority.started(LibC.gettid());
        }
        try {
            while (!stop) {
                probe.poll(POLL_TIMEOUT_MS, handler);   // woken early only when much is waiting
            }
        } catch (RuntimeException e) {
            LOG.error("ring buffer polling failed: {}", e.getMessage());
            failure = e;
        } finally {
            if (priority != null) {
                priority.stopped();   // this thread is gone: nothing left to adjust
            }
        }
    }

    private void watchLoop() {
        try {
            long backlog = 0;
            while (!stop) {
                Thread.sleep(backlog > 0 ? WATCH_EVERY_MS : WATCH_IDLE_EVERY_MS);
                backlog = probe.ringBacklog();
                priority.watch(System.nanoTime(), backlog);
            }
        } catch (InterruptedException e) {
            // closing
        }
    }
}
