package io.changegraph.controller.netwatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** An interval of netwatch as JSON lines (the command off a terminal, the agent's log) or as a top-N table. */
public final class NetwatchOutput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NetwatchOutput() {
    }

    /** One JSON object per row ({@code "type":"flow"}), then one for the interval ({@code "type":"interval"}). */
    public static String jsonLines(Instant end, Duration every, NetwatchTable.Interval interval, long lost) {
        StringBuilder out = new StringBuilder();
        String time = end.toString();
        double seconds = every.toMillis() / 1000.0;
        for (NetwatchTable.Row row : interval.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "flow");
            m.put("time", time);
            m.put("interval_seconds", seconds);
            m.put("exe", row.key().exe());
            m.put("cgroup_id", row.key().cgroupId());
            m.put("cgroup", row.key().cgroup().path());
            m.put("container", row.key().cgroup().container());
            m.put("pod", row.key().cgroup().pod());
            m.put("destination", row.key().destination());
            m.put("name", row.key().name());
            m.put("connections", row.connections());
            m.put("syn_retransmits", row.synRetransmits());
            m.put("refused", row.refused());
            m.put("timed_out", row.timedOut());
            m.put("resets_received", row.resetsReceived());
            m.put("resets_sent", row.resetsSent());
            m.put("retransmits", row.retransmits());
            out.append(write(m)).append('\n');
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "interval");
        m.put("time", time);
        m.put("interval_seconds", seconds);
        m.put("rows", interval.rows().size());
        m.put("evicted", interval.evicted());
        m.put("lost", lost);
        m.put("dns_answers", interval.dnsAnswers());
        m.put("names_evicted", interval.namesEvicted());
        return out.append(write(m)).append('\n').toString();
    }

    private static String write(Map<String, Object> m) {
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);   // maps of strings and numbers always serialise
        }
    }

    /** The {@code top} rows as a table, worst first, with a header line for the interval. */
    public static String table(Instant end, Duration every, NetwatchTable.Interval interval, long lost, int top) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s  netwatch, last %s: %d destinations with problems%s%s%s%n",
                end.toString().substring(11, 19), every.toString().substring(2).toLowerCase(Locale.ROOT),
                interval.rows().size(), interval.evicted() == 0 ? "" : ", " + interval.evicted() + " rows evicted",
                lost == 0 ? "" : ", " + lost + " lost in the kernel",
                interval.namesEvicted() == 0 ? "" : ", " + interval.namesEvicted() + " names forgotten"));
        if (interval.rows().isEmpty()) {
            return out.toString();
        }
        out.append(String.format(Locale.ROOT, "  %-24s %-22s %-20s %6s %7s %7s %6s %6s %6s %6s  %s%n", "executable",
                "destination", "name", "conns", "synretx", "refused", "tmout", "rstin", "rstout", "retx",
                "container / cgroup"));
        int shown = 0;
        for (NetwatchTable.Row r : interval.rows()) {
            if (shown++ == top) {
                out.append("  ... ").append(interval.rows().size() - top).append(" more\n");
                break;
            }
            out.append(String.format(Locale.ROOT, "  %-24s %-22s %-20s %6d %7d %7d %6d %6d %6d %6d  %s%n",
                    elide(r.key().exe(), 24), elide(r.key().destination(), 22),
                    r.key().name() == null ? "-" : elide(r.key().name(), 20), r.connections(), r.synRetransmits(),
                    r.refused(), r.timedOut(), r.resetsReceived(), r.resetsSent(), r.retransmits(), where(r.key())));
        }
        return out.toString();
    }

    /** The container (its first 12 characters, as docker ps shows it), else the cgroup path, else its id. */
    static String where(NetwatchTable.Key key) {
        CgroupNames.Cgroup c = key.cgroup();
        if (c.container() != null) {
            return c.container().substring(0, Math.min(12, c.container().length()))
                    + (c.pod() == null ? "" : " pod " + c.pod());
        }
        if (c.pod() != null) {
            return "pod " + c.pod();
        }
        return c.path() != null ? elide(c.path(), 40) : "#" + key.cgroupId();
    }

    private static String elide(String text, int width) {
        return text.length() <= width ? text : "…" + text.substring(text.length() - width + 1);
    }
}
