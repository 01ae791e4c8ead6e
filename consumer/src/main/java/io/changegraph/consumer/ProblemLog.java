package io.changegraph.consumer;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate-limited warnings, one stream per kind of problem: the 1st, 10th, 100th, ... occurrence of a
 * kind is logged with its count, so a flood of bad records costs a few log lines.
 */
final class ProblemLog {
    private static final Logger LOG = LoggerFactory.getLogger(Consumer.class);

    private final Map<String, Long> seen = new HashMap<>();
    private final boolean quiet;

    ProblemLog() {
        this(false);
    }

    /** @param quiet count only, log nothing (a replay whose problems are expected) */
    ProblemLog(boolean quiet) {
        this.quiet = quiet;
    }

    void report(String problem, String message) {
        long count = seen.merge(problem, 1L, Long::sum);
        if (!quiet && isPowerOfTen(count)) {
            LOG.warn("{} ({}; seen {} time{})", message, problem, count, count == 1 ? "" : "s");
        }
    }

    long count(String problem) {
        return seen.getOrDefault(problem, 0L);
    }

    private static boolean isPowerOfTen(long n) {
        while (n >= 10 && n % 10 == 0) {
            n /= 10;
        }
        return n == 1;
    }
}
