package io.changegraph.controller.ops;

import io.changegraph.controller.config.ProtectionSettings;

import io.changegraph.repository.model.Degradation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The recorder protecting the host from itself, the same in {@code record} and in the agent (docs/ops.md): every
 * interval a {@link SelfSample} of the recorder's own CPU and memory goes to the {@link Breaker}; each level change
 * is applied to the probes at once ({@code TraceProbe.setDegradeLevel}: a map write, no reload), logged as a
 * warning, handed to the listener (record's stderr) and kept as a {@link Degradation} with its start and end, which
 * the sessions' graphs carry in {@code stats.degradations}. Never silent.
 *
 * <p>Lifecycle: {@link #start} (a daemon thread) → {@link #steps} any time → {@link #close}. {@link #offer} is the
 * same step without the thread (tests feed recorded samples).
 */
public final class SelfProtection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SelfProtection.class);
    private static final String[] STEP_TEXT = {"", "no per-call detail (read-only opens, failed execs)",
            "no payload or DNS capture", "new children of processes without a terminal are neither followed nor shown"};

    private final ProtectionSettings settings;
    private final Breaker breaker;
    private final IntConsumer applyLevel;
    private final Clock clock;
    private final Consumer<String> listener;
    private final List<Degradation> history = new ArrayList<>();
    private volatile SelfSample last = new SelfSample(0, 0, 0);
    private volatile long trips;
    private volatile boolean stop;
    private Thread thread;

    public SelfProtection(ProtectionSettings settings, IntConsumer applyLevel, Clock clock, Consumer<String> listener) {
        this.settings = settings;
        this.breaker = new Breaker(settings);
        this.applyLevel = applyLevel;
        this.clock = clock;
        this.listener = listener;
    }

    /** Starts sampling {@code sampler} every interval (when enabled; else only keeps the figures for metrics). */
    public static SelfProtection start(ProtectionSettings settings, IntConsumer applyLevel, Consumer<String> listener) {
        SelfProtection protection = new SelfProtection(settings, applyLevel, Clock.systemUTC(), listener);
        SelfSampler sampler = new SelfSampler();
        protection.thread = Thread.ofPlatform().name("changegraph-protect").daemon(true)
                .start(() -> protection.loop(sampler::sample));
        LOG.info("self-protection: {}", settings.describe());
        return protection;
    }

    private void loop(Supplier<SelfSample> sampler) {
        long every = settings.interval().toMillis();
        try {
            while (!stop) {
                Thread.sleep(every);
                offer(sampler.get());
            }
        } catch (InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("self-protection stopped: {}", e.toString());
        }
    }

    /** Takes one sample: a level change is applied, logged and kept. */
    void offer(SelfSample sample) {
        last = sample;
        Breaker.Transition t = breaker.offer(sample);
        if (t == null) {
            return;
        }
        Instant now = clock.instant();
        try {
            applyLevel.accept(t.to());
        } catch (RuntimeException e) {
            LOG.error("self-protection: cannot set level {}: {}", t.to(), e.getMessage());
        }
        String line;
        synchronized (history) {
            if (t.raised()) {
                trips++;
                history.add(Degradation.started(t.to(), now, t.reason()));
                line = "self-protection: step " + t.to() + " on: " + STEP_TEXT[t.to()] + " (" + t.reason() + ")";
            } else {
                for (int i = history.size() - 1; i >= 0; i--) {
                    Degradation d = history.get(i);
                    if (d.level() == t.from() && d.end() == null) {
                        history.set(i, d.endedAt(now));
                        break;
                    }
                }
                line = "self-protection: step " + t.from() + " off, recording more again (" + t.reason() + ")";
            }
        }
        listener.accept(line);   // a warning in the agent's log, a line on record's stderr
    }

    /** The steps on at some time in [from, to] (to null: until now), in start order. */
    public List<Degradation> steps(Instant from, Instant to) {
        synchronized (history) {
            return history.stream().filter(d -> d.overlaps(from, to)).toList();
        }
    }

    public int level() {
        return breaker.level();
    }

    /** Steps taken (level raised) since start. */
    public long trips() {
        return trips;
    }

    SelfSample lastSample() {
        return last;
    }

    ProtectionSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        stop = true;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One line per step for a summary: {@code detail 09:01:02-09:01:40 (cpu 9.1% >= 5.0% for 5 samples)}. */
    public static String describe(List<Degradation> steps) {
        java.time.format.DateTimeFormatter hms = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")
                .withZone(java.time.ZoneOffset.UTC);
        List<String> parts = new ArrayList<>();
        for (Degradation d : steps) {
            parts.add("step " + d.level() + " " + d.step() + " " + hms.format(d.start()) + "-"
                    + (d.end() == null ? "end" : hms.format(d.end())) + " UTC (" + d.reason() + ")");
        }
        return String.join("; ", parts);
    }
}
