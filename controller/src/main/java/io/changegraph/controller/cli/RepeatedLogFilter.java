package io.changegraph.controller.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Rate-limits repeated log lines: at most {@code allowed} lines of the same logger and message pattern per
 * {@code window}; the rest are counted, not written, and the count is logged ("… 326112 more like this were
 * suppressed in the last 60 s") with the first one of the next window. A flood (one user opening thousands of
 * connections) thus costs a few lines a minute, and nothing is hidden without saying how much.
 */
public final class RepeatedLogFilter extends TurboFilter {
    static final Marker SUMMARY = MarkerFactory.getMarker("CHANGEGRAPH_SUPPRESSED");
    private static final int MAX_KEYS = 1024;

    private final int allowed;
    private final long windowNanos;
    private final LongSupplier clock;
    private final Map<String, Window> windows = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > MAX_KEYS;
        }
    };

    private static final class Window {
        long start;
        int count;
        long suppressed;
    }

    /** 10 lines a minute per logger and pattern; the window in seconds from CHANGEGRAPH_LOG_REPEAT_WINDOW (tests). */
    public RepeatedLogFilter() {
        this(10, windowSeconds(System.getenv("CHANGEGRAPH_LOG_REPEAT_WINDOW")) * 1_000_000_000L, System::nanoTime);
    }

    static long windowSeconds(String configured) {
        try {
            long seconds = configured == null ? 60 : Long.parseLong(configured.strip());
            return seconds > 0 ? seconds : 60;
        } catch (NumberFormatException e) {
            return 60;
        }
    }

    RepeatedLogFilter(int allowed, long windowNanos, LongSupplier clock) {
        this.allowed = allowed;
        this.windowNanos = windowNanos;
        this.clock = clock;
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (format == null || marker == SUMMARY || !logger.isEnabledFor(level)) {
            return FilterReply.NEUTRAL;
        }
        String key = logger.getName() + '\u0000' + format;
        long now = clock.getAsLong();
        long suppressed;
        synchronized (windows) {
            Window w = windows.computeIfAbsent(key, k -> new Window());
            if (w.count == 0 || now - w.start >= windowNanos) {
                suppressed = w.suppressed;
                w.start = now;
                w.count = 1;
                w.suppressed = 0;
            } else if (w.count < allowed) {
                w.count++;
                return FilterReply.NEUTRAL;
            } else {
                w.suppressed++;
                return FilterReply.DENY;
            }
        }
        if (suppressed > 0) {
            logger.log(SUMMARY, Logger.FQCN, Level.toLocationAwareLoggerInteger(level),
                    "{} more lines like \"{}\" were suppressed in the last {} s", new Object[]{suppressed, format,
                            windowNanos / 1_000_000_000L}, null);
        }
        return FilterReply.NEUTRAL;
    }
}
