package io.changegraph.controller.ops;

import io.changegraph.controller.config.ProtectionSettings;

import io.changegraph.repository.model.Degradation;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The self-protection state machine fed recorded sample sequences (no root, no clock). */
class BreakerTest {
    /** cpu 5 %, rss 1 GiB, heap 90 %, 3 over in a row trip, 4 calm in a row recover. */
    private static final ProtectionSettings SETTINGS = new ProtectionSettings(true, 5, 1024L << 20, 90, 3, 4,
            Duration.ofSeconds(1));
    private static final long MIB = 1 << 20;

    private static SelfSample cpu(double percent) {
        return new SelfSample(percent, 200 * MIB, 10);
    }

    /** The level after each sample. */
    private static List<Integer> levels(Breaker breaker, SelfSample... samples) {
        List<Integer> levels = new ArrayList<>();
        for (SelfSample s : samples) {
            breaker.offer(s);
            levels.add(breaker.level());
        }
        return levels;
    }

    @Test
    void overForTripSamplesInARow_raisesOneStep_thenOneMorePerFurtherRun() {
        Breaker breaker = new Breaker(SETTINGS);
        assertThat(levels(breaker, cpu(6), cpu(7), cpu(9), cpu(9), cpu(9), cpu(9), cpu(9), cpu(9), cpu(9), cpu(9),
                cpu(9), cpu(9))).containsExactly(0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3);
    }

    @Test
    void anInterruptedRun_doesNotTrip() {
        Breaker breaker = new Breaker(SETTINGS);
        // 4.5 % is under the limit but not calm (over 80 % of it): it breaks the run
        assertThat(levels(breaker, cpu(6), cpu(6), cpu(4.5), cpu(6), cpu(6), cpu(1), cpu(6)))
                .containsOnly(0);
    }

    @Test
    void calmSamplesInARow_lowerOneStepEach_andANotCalmSampleRestartsTheCount() {
        Breaker breaker = new Breaker(SETTINGS);
        levels(breaker, cpu(9), cpu(9), cpu(9), cpu(9), cpu(9), cpu(9));   // level 2
        assertThat(breaker.level()).isEqualTo(2);
        // 4.5 % is neither over nor calm: the calm run starts again after it
        assertThat(levels(breaker, cpu(1), cpu(1), cpu(1), cpu(4.5), cpu(1), cpu(1), cpu(1), cpu(1), cpu(1), cpu(1),
                cpu(1), cpu(1), cpu(1))).containsExactly(2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0);
    }

    @Test
    void memory_tripsLikeCpu_andTheReasonNamesIt() {
        Breaker breaker = new Breaker(SETTINGS);
        SelfSample big = new SelfSample(0.1, 1100 * MIB, 10);
        breaker.offer(big);
        breaker.offer(big);
        Breaker.Transition t = breaker.offer(big);
        assertThat(t).isEqualTo(new Breaker.Transition(0, 1, "rss 1100 MiB >= 1024 MiB for 3 samples"));
        SelfSample heap = new SelfSample(0.1, 100 * MIB, 95);
        breaker.offer(heap);
        breaker.offer(heap);
        assertThat(breaker.offer(heap).reason()).isEqualTo("heap 95% >= 90% for 3 samples");
    }

    @Test
    void disabled_neverDegrades() {
        Breaker breaker = new Breaker(SETTINGS.disabled());
        assertThat(levels(breaker, cpu(90), cpu(90), cpu(90), cpu(90), cpu(90))).containsOnly(0);
    }

    @Test
    void selfProtection_recordsEveryStepWithItsTimes_andAppliesTheLevel() {
        Instant[] now = {Instant.parse("2026-12-06T10:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        List<Integer> applied = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        SelfProtection protection = new SelfProtection(SETTINGS, applied::add, clock, lines::add);
        double[] storm = {9, 9, 9, 9, 9, 9, 1, 1, 1, 1, 1, 1, 1, 1};
        for (double c : storm) {
            now[0] = now[0].plusSeconds(1);
            protection.offer(cpu(c));
        }
        assertThat(applied).containsExactly(1, 2, 1, 0);
        assertThat(protection.trips()).isEqualTo(2);
        Instant t0 = Instant.parse("2026-12-06T10:00:00Z");
        assertThat(protection.steps(Instant.MIN, null)).containsExactly(
                new Degradation(1, "detail", t0.plusSeconds(3), t0.plusSeconds(14), "cpu 9.0% >= 5.0% for 3 samples"),
                new Degradation(2, "payload", t0.plusSeconds(6), t0.plusSeconds(10), "cpu 9.0% >= 5.0% for 3 samples"));
        // a session that started after both steps ended sees none
        assertThat(protection.steps(t0.plusSeconds(15), null)).isEmpty();
        assertThat(protection.steps(t0.plusSeconds(12), null)).extracting(Degradation::level).containsExactly(1);
        assertThat(lines).hasSize(4).first().asString().startsWith("self-protection: step 1 on: no per-call detail");
        assertThat(lines.get(3)).startsWith("self-protection: step 1 off");
        assertThat(SelfProtection.describe(protection.steps(Instant.MIN, null)))
                .startsWith("step 1 detail 10:00:03-10:00:14 UTC (cpu 9.0% >= 5.0% for 3 samples); step 2 payload");
    }

    @Test
    void cpuCount_ofKernelCpuLists() {
        assertThat(SelfSampler.cpuCount("0\n")).isEqualTo(1);
        assertThat(SelfSampler.cpuCount("0-1")).isEqualTo(2);
        assertThat(SelfSampler.cpuCount("0-3,8,10-11\n")).isEqualTo(7);
    }

    @Test
    void sampler_measuresThisProcess() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        SelfSampler sampler = new SelfSampler();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long x = 0;
        while (threads.getCurrentThreadCpuTime() - cpu0 < 200_000_000L) {   // 200 ms of CPU, however busy the host
            x += System.identityHashCode(new Object());
        }
        SelfSample s = sampler.sample();
        double wallSeconds = (System.nanoTime() - start) / 1e9;
        assertThat(x).isNotZero();
        // the share of all CPUs over the interval, back to CPU seconds: at least this thread's 200 ms
        assertThat(s.cpuPercent() / 100 * wallSeconds * sampler.cpus()).isGreaterThan(0.19);
        assertThat(s.rssBytes()).isGreaterThan(10 * MIB);
    }
}
