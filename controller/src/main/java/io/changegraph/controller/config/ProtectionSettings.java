package io.changegraph.controller.config;

import io.changegraph.controller.UsageException;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * When the recorder protects the host from itself ({@link SelfProtection}, docs/ops.md): the agent's
 * {@code protection:} section, and {@code record --protect-*}. Every key is optional:
 * <pre>
 * protection:
 *   enabled: true        # false: never degrade
 *   cpu_percent: 5       # the recorder's CPU (all its threads) as a share of all the host's CPUs
 *   rss_mb: 1024         # the recorder's resident memory
 *   heap_percent: 90     # the Java heap still in use after the last collection, of the maximum heap
 *   trip_samples: 10     # samples in a row over a limit: one step more
 *   calm_samples: 30     # samples in a row under {@value #CALM_FRACTION_PERCENT}% of every limit: one step back
 *   interval: 1          # seconds between samples
 * </pre>
 *
 * @param cpuPercent  limit on the recorder's CPU, percent of all the host's CPUs (0 &lt; x &le; 100)
 * @param rssBytes    limit on the recorder's resident memory
 * @param heapPercent limit on the heap live after the last collection, percent of the maximum heap
 */
public record ProtectionSettings(boolean enabled, double cpuPercent, long rssBytes, double heapPercent, int tripSamples,
                          int calmSamples, Duration interval) {
    static final int CALM_FRACTION_PERCENT = 80;
    public static final ProtectionSettings DEFAULTS = new ProtectionSettings(true, 5, 1024L << 20, 90, 10, 30,
            Duration.ofSeconds(1));
    private static final Set<String> KEYS = Set.of("enabled", "cpu_percent", "rss_mb", "heap_percent", "trip_samples",
            "calm_samples", "interval");

    public ProtectionSettings {
        if (!(cpuPercent > 0 && cpuPercent <= 100)) {
            throw new UsageException("protection cpu_percent must be more than 0 and at most 100, not " + cpuPercent);
        }
        if (rssBytes < (16L << 20)) {
            throw new UsageException("protection rss_mb must be at least 16");
        }
        if (!(heapPercent > 0 && heapPercent <= 100)) {
            throw new UsageException("protection heap_percent must be more than 0 and at most 100, not " + heapPercent);
        }
        if (tripSamples < 1 || tripSamples > 3600 || calmSamples < 1 || calmSamples > 3600) {
            throw new UsageException("protection trip_samples and calm_samples must be 1 to 3600");
        }
        if (interval.compareTo(Duration.ofMillis(100)) < 0 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new UsageException("protection interval must be 0.1 to 60 seconds");
        }
    }

    /** A sample is calm when every figure is under this share of its limit. */
    public double calmFraction() {
        return CALM_FRACTION_PERCENT / 100.0;
    }

    public ProtectionSettings disabled() {
        return new ProtectionSettings(false, cpuPercent, rssBytes, heapPercent, tripSamples, calmSamples, interval);
    }

    /** One line for logs and the record summary. */
    public String describe() {
        return enabled ? String.format(java.util.Locale.ROOT,
                "cpu >= %.1f%%, rss >= %d MiB or heap >= %.0f%% for %d samples of %s s: one step; %d calm samples: one back",
                cpuPercent, rssBytes >> 20, heapPercent, tripSamples, seconds(interval), calmSamples) : "off";
    }

    private static String seconds(Duration d) {
        return java.math.BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    /** The {@code protection:} value (absent or null: the defaults). */
    static ProtectionSettings parse(JsonNode section) {
        ProtectionSettings d = DEFAULTS;
        if (section == null || section.isNull()) {
            return d;
        }
        if (!section.isObject()) {
            throw new UsageException("protection must be a map of " + new TreeSet<>(KEYS));
        }
        for (Iterator<String> names = section.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!KEYS.contains(key)) {
                throw new UsageException("protection: unknown key '" + key + "' (known: " + String.join(", ",
                        new TreeSet<>(KEYS)) + ")");
            }
        }
        return new ProtectionSettings(bool(section, "enabled", d.enabled), number(section, "cpu_percent", d.cpuPercent),
                (long) number(section, "rss_mb", d.rssBytes >> 20) << 20, number(section, "heap_percent", d.heapPercent),
                (int) whole(section, "trip_samples", d.tripSamples), (int) whole(section, "calm_samples", d.calmSamples),
                Duration.ofMillis(Math.round(number(section, "interval", d.interval.toMillis() / 1000.0) * 1000)));
    }

    private static boolean bool(JsonNode section, String key, boolean fallback) {
        JsonNode v = section.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new UsageException("protection " + key + " must be true or false");
        }
        return v.booleanValue();
    }

    private static double number(JsonNode section, String key, double fallback) {
        JsonNode v = section.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw new UsageException("protection " + key + " must be a number");
        }
        return v.doubleValue();
    }

    private static long whole(JsonNode section, String key, long fallback) {
        JsonNode v = section.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new UsageException("protection " + key + " must be a whole number");
        }
        return v.intValue();
    }
}
