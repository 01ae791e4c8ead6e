package io.changegraph.controller.os;


import io.changegraph.probes.ProbeTunables;
import io.changegraph.probes.RecordHandler;
import io.changegraph.probes.TraceProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.BitSet;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The loaded probes plus the one dedicated thread that polls their ring buffer into a handler, and (with
 * low priority) the watchdog that raises that thread when records pile up ({@link PollPriority}).
 * Used by {@code record} (one session) and by the agent (many sessions, one probe).
 * Lifecycle: {@link #start} → {@link TraceProbe#follow} as needed → {@link #stopAndDrain} → {@link #close}.
 */
public final class Tracing implements AutoCloseable {
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
    /** the CPUs this process may run on, as the recorder started */
    private final BitSet allowedCpus;
    private final CountDownLatch watchdogStarted = new CountDownLatch(1);
    private volatile int watchdogTid;
    /** the CPU the recorder is kept on, or -1 */
    private volatile int pinnedCpu = -1;

    private volatile boolean stop;
    private volatile RuntimeException failure;
    /** records handed to the handler (read by the metrics) */
    private final java.util.concurrent.atomic.LongAdder records = new java.util.concurrent.atomic.LongAdder();
    /** closed with this, before the probes: what writes to the probes (the self-protection's degrade switch) */
    private final java.util.List<AutoCloseable> closeFirst = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Tracing(TraceProbe probe, RecordHandler handler, boolean lowPriority, long ringBytes) {
        this.probe = probe;
        this.handler = record -> {
            records.increment();
            handler.onRecord(record);
        };
        this.allowedCpus = allowedCpus();
        // the probes wake the poller once a sixteenth of the ring buffer waits: twice that is a poller that
        // does not get the CPU (or a burst)
        this.priority = lowPriority ? new PollPriority(this::setPriority, ringBytes / 8, ringBytes / 16,
                TimeUnit.MILLISECONDS.toNanos(MIN_NORMAL_MS)) : null;
        this.poller = Thread.ofPlatform().name("changegraph-ringbuf").daemon(true).unstarted(this::pollLoop);
        // started by this (normal-priority) thread, not by the poller, whose lowered priority it would inherit
        this.watchdog = Thread.ofPlatform().name("changegraph-watch").daemon(true).unstarted(this::watchLoop);
    }

    /**
     * Opens, configures, loads and attaches the probes and starts polling into {@code handler}. With
     * {@code lowPriority} the polling thread gives way to the traced work while it keeps up (see
     * {@link PollPriority}); that needs CAP_SYS_NICE to raise it again when it does not.
     */
    public static Tracing start(ProbeTunables tunables, RecordHandler handler, boolean lowPriority) {
        long start = System.nanoTime();
        TraceProbe probe = TraceProbe.open();
        try {
            if (probe.usesTracefs()) {
                new EnvironmentCheck().requireTracefs();
            }
            probe.configure(tunables.withRecorderTgid((int) ProcessHandle.current().pid())).load();
            int programs = probe.attach();
            LOG.info("{} probes attached in {} ms ({} ms after the process started)", programs,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Host.sinceProcessStart().toMillis());
            boolean canRaise = lowPriority && new EnvironmentCheck().canRaisePriority();
            if (lowPriority && !canRaise) {
                LOG.info("no CAP_SYS_NICE: the ring-buffer thread keeps normal priority");
            }
            Tracing tracing = new Tracing(probe, handler, canRaise, tunables.ringBufferBytes());
            tracing.poller.start();
            if (tracing.priority != null) {
                tracing.watchdog.start();
            }
            return tracing;
        } catch (RuntimeException e) {
            probe.close();
            throw e;
        }
    }

    /** The CPUs this process may run on; none known (so no pinning) if the kernel will not say. */
    public static BitSet allowedCpus() {
        try {
            return LibC.cpuAffinity(0);
        } catch (LibC.NativeException e) {
            LOG.debug("no CPU affinity: {}", e.getMessage());
            return new BitSet();
        }
    }

    /** The ring-buffer thread's priority, and its CPU while the recorder is pinned: any CPU while raised. */
    private void setPriority(int tid, boolean low) throws LibC.NativeException {
        LibC.setThreadNice(tid, low ? PollPriority.LOW_NICE : 0);
        int cpu = pinnedCpu;
        if (cpu >= 0) {
            LibC.setCpuAffinity(tid, low ? CpuPlacement.only(cpu) : allowedCpus);
        }
    }

    /**
     * Keeps the recorder's threads on one CPU as {@code placement} asks (see {@link CpuPlacement}), all but
     * the watchdog, which must get a CPU whatever else runs there. Call it after starting any process that
     * must not inherit the pinning.
     */
    public void placeRecorder(CpuPlacement placement) throws InterruptedException {
        OptionalInt cpu = placement.choose(allowedCpus, priority != null);
        if (cpu.isEmpty()) {
            return;
        }
        if (priority != null && !watchdogStarted.await(1, TimeUnit.SECONDS)) {
            LOG.warn("the watchdog did not start: the recorder's threads are not kept on one CPU");
            return;
        }
        Set<Integer> except = priority != null ? Set.of(watchdogTid) : Set.of();
        pinnedCpu = cpu.getAsInt();
        try {
            int pinned = CpuPlacement.pinThisProcess(pinnedCpu, except);
            LOG.info("the recorder's {} threads are kept on CPU {} (the watchdog on CPUs {})", pinned, pinnedCpu,
                    CpuPlacement.list(allowedCpus));
        } catch (IOException e) {
            LOG.warn("cannot keep the recorder on CPU {}: {}", pinnedCpu, e.getMessage());
        }
        if (priority != null) {
            priority.reapply();   // a raised ring-buffer thread stays free to run anywhere
        }
    }

    public TraceProbe probe() {
        return probe;
    }

    /** Records read from the ring buffer so far. */
    public long records() {
        return records.sum();
    }

    /**
     * Closes {@code resource} when this closes, before the probes: for what writes to them from its own thread
     * (the self-protection's degrade switch, the same for {@code record} and the agent).
     */
    public <T extends AutoCloseable> T closesFirst(T resource) {
        closeFirst.add(resource);
        return resource;
    }

    /** Why polling stopped on its own, or null while it runs. */
    public RuntimeException failure() {
        return failure;
    }

    /** Stops the polling thread, then hands over whatever is still in the ring buffer. */
    public void stopAndDrain() throws InterruptedException {
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
        for (AutoCloseable resource : closeFirst) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {} before the probes: {}", resource, e.toString());
            }
        }
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
        watchdogTid = LibC.gettid();
        watchdogStarted.countDown();
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
