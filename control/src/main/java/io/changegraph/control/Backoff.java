package io.changegraph.control;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter for reconnecting to etcd: the n-th wait is between half and all of
 * {@code min(max, first * 2^n)}, so agents that lost etcd together do not come back in lockstep.
 */
final class Backoff {
    private final Duration first;
    private final Duration max;
    private final RandomGenerator random;
    private int failures;

    Backoff(Duration first, Duration max, RandomGenerator random) {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff " + first + " to " + max);
        }
        this.first = first;
        this.max = max;
        this.random = random;
    }

    /** The wait before the next attempt; each call doubles the ceiling up to the maximum. */
    Duration next() {
        long ceiling = first.toMillis() << Math.min(failures, 20);
        ceiling = Math.min(ceiling, max.toMillis());
        failures++;
        long half = ceiling / 2;
        return Duration.ofMillis(half + random.nextLong(ceiling - half + 1));
    }

    /** After a success: the next failure starts from the first wait again. */
    void reset() {
        failures = 0;
    }

    int failures() {
        return failures;
    }
}
