package io.changegraph.controller.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The recorder's meters (agent and {@code record}), names and meanings in one place (docs/ops.md lists them with
 * their Prometheus names: Micrometer adds {@code _total} to counters). Every meter reads its figure when scraped:
 * nothing is counted twice on the recording path. The meters hold their sources strongly (Micrometer's default is
 * a weak reference, and a lambda nobody else holds would be collected: the meter would read NaN); function
 * counters cannot, so {@link #bind} returns what the caller keeps.
 */
public final class RecorderMeters {
    static final String EVENTS = "changegraph.events";                  // counter: behaviours applied to graphs
    static final String RECORDS = "changegraph.records";                // counter: records read from the ring buffer
    static final String KERNEL_LOST = "changegraph.kernel.lost";        // counter: records the kernel could not write
    static final String USER_DROPPED = "changegraph.user.dropped";      // counter: records user space could not use
    static final String DEGRADED_SKIPPED = "changegraph.degraded.skipped"; // counter: not recorded on purpose (steps)
    static final String RING_FILL = "changegraph.ringbuffer.fill.ratio"; // gauge 0..1: waiting / ring buffer size
    static final String RING_BACKLOG = "changegraph.ringbuffer.backlog.bytes"; // gauge: bytes waiting
    static final String SESSIONS_LIVE = "changegraph.sessions.live";    // gauge: live sessions (record: 1)
    static final String DEGRADATION_LEVEL = "changegraph.degradation.level"; // gauge 0..3: current step
    static final String DEGRADATIONS = "changegraph.degradations";      // counter: steps taken (level raised)
    static final String ALERT_QUEUE = "changegraph.alert.queue";        // gauge: alert messages not delivered yet
    static final String ALERTS_DROPPED = "changegraph.alerts.dropped";  // counter: hits the full queue refused
    static final String CPU_SECONDS = "changegraph.process.cpu.seconds"; // counter: the recorder's CPU time
    static final String CPU_PERCENT = "changegraph.process.cpu.percent"; // gauge: last sample, % of all host CPUs
    static final String RSS = "changegraph.process.resident.memory.bytes"; // gauge: resident memory
    static final String HEAP_PERCENT = "changegraph.process.heap.percent"; // gauge: heap live after GC, % of max

    /** Where the figures come from: the agent and {@code record} each supply theirs. */
    public record Sources(LongSupplier events, LongSupplier records, LongSupplier kernelLost, LongSupplier userDropped,
                   LongSupplier degradedSkipped, LongSupplier ringBacklog, long ringBytes, LongSupplier liveSessions,
                   LongSupplier alertQueue, LongSupplier alertsDropped, SelfProtection protection) {
        public Sources {
            if (ringBytes <= 0) {
                throw new IllegalArgumentException("ring buffer size must be positive");
            }
            java.util.Objects.requireNonNull(protection, "protection");
        }
    }

    private RecorderMeters() {
    }

    /**
     * Registers the meters; returns what they read, which the caller must keep as long as the registry (a
     * function counter holds its source weakly).
     */
    static Object bind(MeterRegistry registry, Sources s) {
        SelfSampler sampler = new SelfSampler();
        LongSupplier trips = () -> s.protection().trips();
        counter(registry, EVENTS, "behaviours applied to session graphs", s.events());
        counter(registry, RECORDS, "records read from the kernel ring buffer", s.records());
        counter(registry, KERNEL_LOST, "records the kernel could not put in the ring buffer (or children it could"
                + " not follow)", s.kernelLost());
        counter(registry, USER_DROPPED, "records user space could not decode or keep", s.userDropped());
        counter(registry, DEGRADED_SKIPPED, "records, payloads and children not recorded on purpose while a"
                + " self-protection step was on", s.degradedSkipped());
        gauge(registry, RING_FILL, "share of the ring buffer waiting to be read", s,
                x -> (double) x.ringBacklog().getAsLong() / x.ringBytes());
        gauge(registry, RING_BACKLOG, "bytes waiting in the ring buffer", s, x -> x.ringBacklog().getAsLong());
        gauge(registry, SESSIONS_LIVE, "sessions being recorded", s, x -> x.liveSessions().getAsLong());
        gauge(registry, DEGRADATION_LEVEL, "self-protection step now on (0 none, 1 no per-call detail, 2 no"
                + " payload, 3 no new non-interactive subtrees)", s, x -> x.protection().level());
        counter(registry, DEGRADATIONS, "self-protection steps taken", trips);
        gauge(registry, ALERT_QUEUE, "alert messages not delivered yet", s, x -> x.alertQueue().getAsLong());
        counter(registry, ALERTS_DROPPED, "rule hits the full alert queue refused", s.alertsDropped());
        FunctionCounter.builder(CPU_SECONDS, sampler, x -> x.cpuNanos() / 1e9)
                .description("CPU time of all the recorder's threads").register(registry);
        gauge(registry, CPU_PERCENT, "the recorder's CPU over the last self-protection sample, percent of all the"
                + " host's CPUs", s, x -> x.protection().lastSample().cpuPercent());
        Gauge.builder(RSS, () -> SelfSampler.rssBytes()).description("the recorder's resident memory")
                .strongReference(true).register(registry);
        gauge(registry, HEAP_PERCENT, "Java heap in use after the last collection, percent of the maximum", s,
                x -> x.protection().lastSample().heapPercent());
        return List.of(s, sampler, trips);
    }

    private static void counter(MeterRegistry registry, String name, String help, LongSupplier value) {
        FunctionCounter.builder(name, value, LongSupplier::getAsLong).description(help).register(registry);
    }

    private static <T> void gauge(MeterRegistry registry, String name, String help, T source, ToDoubleFunction<T> f) {
        Gauge.builder(name, source, f).description(help).strongReference(true).register(registry);
    }
}
