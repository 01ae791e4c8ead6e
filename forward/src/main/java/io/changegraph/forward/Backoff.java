package io.changegraph.forward;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): after the
 * n-th failure in a row the forwarder waits a uniformly random time in [0, min(cap, base·2ⁿ)), so a fleet of
 * agents that lost the hub together does not come back in step. {@link #reset()} after a success.
 * One owner (the forwarder's thread).
 */
final class Backoff {
    private final long baseMillis;
    private final long capMillis;
    private final LongUnaryOperator random;
    private int failures;

    /** @param random given a bound b &gt; 0, a value in [0, b) */
    Backoff(Duration base, Duration cap, LongUnaryOperator random) {
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 < base <= cap, not " + base + ", " + cap);
        }
        this.baseMillis = base.toMillis();
        this.capMillis = cap.toMillis();
        this.random = random;
    }

    static Backoff standard() {
        return new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30),
                bound -> java.util.concurrent.ThreadLocalRandom.current().nextLong(bound));
    }

    /** Counts a failure; the time to wait before the next attempt. */
    Duration next() {
        long ceiling = ceilingMillis(failures);
        failures = Math.min(failures + 1, 62);
        return Duration.ofMillis(random.applyAsLong(ceiling));
    }

    /** The upper bound of the wait after {@code failures} earlier failures in a row. */
    long ceilingMillis(int failures) {
        int shift = Math.min(failures, 30);
        return Math.min(capMillis, baseMillis << shift);
    }

    int failures() {
        return failures;
    }

    void reset() {
        failures = 0;
    }
}
