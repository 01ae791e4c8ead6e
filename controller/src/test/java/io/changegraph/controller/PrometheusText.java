package io.changegraph.controller;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4 for tests: every line is a {@code # HELP},
 * a {@code # TYPE} or a sample of a family whose TYPE came before it; anything else fails the parse.
 */
public final class PrometheusText {
    /** Every meter of RecorderMeters, by its Prometheus name. */
    public static final java.util.List<String> METERS = java.util.List.of("changegraph_events_total", "changegraph_records_total",
            "changegraph_kernel_lost_total", "changegraph_user_dropped_total", "changegraph_degraded_skipped_total",
            "changegraph_ringbuffer_fill_ratio", "changegraph_ringbuffer_backlog_bytes", "changegraph_sessions_live",
            "changegraph_degradation_level", "changegraph_degradations_total", "changegraph_alert_queue",
            "changegraph_alerts_dropped_total", "changegraph_process_cpu_seconds_total",
            "changegraph_process_cpu_percent", "changegraph_process_resident_memory_bytes",
            "changegraph_process_heap_percent");

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*})?"
            + " ([-+]?(?:[0-9.]+(?:[eE][-+]?[0-9]+)?|NaN|Inf))( -?[0-9]+)?");
    private static final Set<String> SUFFIXES = Set.of("_total", "_count", "_sum", "_bucket", "_created", "_max");

    /** family name → type, and sample (name plus labels) → value */
    public final Map<String, String> types = new TreeMap<>();
    public final Map<String, Double> samples = new TreeMap<>();

    public static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        Map<String, Boolean> seen = new HashMap<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            Matcher m;
            if ((m = TYPE.matcher(line)).matches()) {
                if (parsed.types.put(m.group(1), m.group(2)) != null) {
                    throw new IllegalArgumentException("line " + n + ": second TYPE for " + m.group(1));
                }
            } else if (HELP.matcher(line).matches()) {
                continue;
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                String name = m.group(1);
                if (!parsed.types.containsKey(family(name, parsed.types))) {
                    throw new IllegalArgumentException("line " + n + ": sample of " + name + " before its TYPE");
                }
                String key = name + (m.group(2) == null ? "" : m.group(2));
                if (seen.put(key, true) != null) {
                    throw new IllegalArgumentException("line " + n + ": duplicate sample " + key);
                }
                String v = m.group(3);
                parsed.samples.put(key, v.endsWith("Inf") ? (v.startsWith("-") ? Double.NEGATIVE_INFINITY
                        : Double.POSITIVE_INFINITY) : Double.parseDouble(v));
            } else {
                throw new IllegalArgumentException("line " + n + " is not in the text format: '" + line + "'");
            }
        }
        return parsed;
    }

    private static String family(String sample, Map<String, String> types) {
        if (types.containsKey(sample)) {
            return sample;
        }
        for (String suffix : SUFFIXES) {
            if (sample.endsWith(suffix) && types.containsKey(sample.substring(0, sample.length() - suffix.length()))) {
                return sample.substring(0, sample.length() - suffix.length());
            }
        }
        return sample;
    }

    /** The value of a sample without labels; fails when absent. */
    public double value(String name) {
        Double v = samples.get(name);
        if (v == null) {
            throw new AssertionError("no sample " + name + " in " + samples.keySet());
        }
        return v;
    }
}
