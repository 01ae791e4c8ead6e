package io.changegraph.controller;

import io.changegraph.probes.ProbeTunables;
import io.changegraph.probes.RecordHandler;
import io.changegraph.probes.TraceProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The loaded probes plus the one dedicated thread that polls their ring buffer into a handler.
 * Used by {@code record} (one session) and by the agent (many sessions, one probe).
 * Lifecycle: {@link #start} → {@link TraceProbe#follow} as needed → {@link #stopAndDrain} → {@link #close}.
 */
final class Tracing implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);

    private final TraceProbe probe;
    private final RecordHandler handler;
    private final Thread poller;
    private volatile boolean stop;
    private volatile RuntimeException failure;

    private Tracing(TraceProbe probe, RecordHandler handler) {
        this.probe = probe;
        this.handler = handler;
        this.poller = Thread.ofPlatform().name("changegraph-ringbuf").daemon(true).unstarted(this::pollLoop);
    }

    /** Opens, configures, loads and attaches the probes and starts polling into {@code handler}. */
    static Tracing start(ProbeTunables tunables, RecordHandler handler) {
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
            Tracing tracing = new Tracing(probe, handler);
            tracing.poller.start();
            return tracing;
        } catch (RuntimeException e) {
            probe.close();
            throw e;
        }
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
        poller.join();
        probe.drain(handler);
    }

    @Override
    public void close() {
        stop = true;
        try {
            poller.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        probe.close();
    }

    private void pollLoop() {
        try {
            while (!stop) {
                probe.poll(50, handler);   // the kernel wakes us early only when much is waiting
            }
        } catch (RuntimeException e) {
            LOG.error("ring buffer polling failed: {}", e.getMessage());
            failure = e;
        }
    }
}
