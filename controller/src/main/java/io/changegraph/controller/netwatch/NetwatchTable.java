package io.changegraph.controller.netwatch;

import io.changegraph.probes.NetwatchProbe.Flow;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The netwatch aggregation: the kernel's sums of anomalous connections (per process, cgroup and destination, drained
 * every second) summed for one interval per (executable, cgroup id — with its
 * path, container and pod —, destination, DNS name). At most {@code capacity} rows are kept; the least recently updated one is evicted to
 * make room (evictions are counted, never silent). Not thread-safe: one polling thread adds and takes.
 */
public final class NetwatchTable {

    /**
     * What a row is about. {@code cgroup} is the cgroup id's path, container and pod ({@link CgroupNames.Cgroup#UNKNOWN}
     * when the id could not be found); {@code name} is null when no DNS name is known for the destination.
     */
    record Key(String exe, long cgroupId, CgroupNames.Cgroup cgroup, String destination, String name) {
        Key {
            Objects.requireNonNull(exe, "exe");
            Objects.requireNonNull(destination, "destination");
            cgroup = Objects.requireNonNullElse(cgroup, CgroupNames.Cgroup.UNKNOWN);
        }
    }

    /**
     * One row of an interval: the connections that went wrong and how. {@code connections} counts those whose first
     * anomaly came in the interval (0: the row's anomalies are of connections counted in an earlier one).
     */
    record Row(Key key, long connections, long synRetransmits, long refused, long timedOut, long resetsReceived,
               long resetsSent, long retransmits) {
        Row {
            if (connections < 0 || synRetransmits < 0 || refused < 0 || timedOut < 0 || resetsReceived < 0
                    || resetsSent < 0 || retransmits < 0) {
                throw new IllegalArgumentException("impossible netwatch counters for " + key);
            }
        }

        /**
         * Failed connects first (refused, timed out), then resets, then SYN retransmits, then data retransmits:
         * the sort order.
         */
        long severity() {
            return (refused + timedOut) * 1_000_000_000L + (resetsReceived + resetsSent) * 1_000_000L
                    + synRetransmits * 1_000L + Math.min(retransmits, 999);
        }

        Row plus(Row o) {
            return new Row(key, connections + o.connections, synRetransmits + o.synRetransmits, refused + o.refused,
                    timedOut + o.timedOut, resetsReceived + o.resetsReceived, resetsSent + o.resetsSent,
                    retransmits + o.retransmits);
        }
    }

    /**
     * An interval's rows (worst first), the rows evicted to keep the table bounded, the DNS answers that named
     * addresses and the names forgotten to keep the name cache bounded during the interval.
     */
    public record Interval(List<Row> rows, long evicted, long dnsAnswers, long namesEvicted) {
        public Interval {
            rows = List.copyOf(rows);
            if (evicted < 0 || dnsAnswers < 0 || namesEvicted < 0) {
                throw new IllegalArgumentException("negative netwatch interval counters");
            }
        }

        Interval(List<Row> rows, long evicted) {
            this(rows, evicted, 0, 0);
        }

        Interval withNames(long answers, long forgotten) {
            return new Interval(rows, evicted, answers, forgotten);
        }
    }

    /** Rows of an interval, worst first; ties in key order so the output does not depend on arrival order. */
    static final Comparator<Row> WORST_FIRST = Comparator.comparingLong(Row::severity).reversed()
            .thenComparing(r -> r.key().exe()).thenComparing(r -> r.key().destination())
            .thenComparingLong(r -> r.key().cgroupId()).thenComparing(r -> r.key().name(),
                    Comparator.nullsFirst(Comparator.naturalOrder()));

    private final int capacity;
    private final LinkedHashMap<Key, Row> rows;
    private long evicted;

    public NetwatchTable(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("netwatch table capacity must be at least 1");
        }
        this.capacity = capacity;
        this.rows = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Row> eldest) {
                if (size() > NetwatchTable.this.capacity) {
                    evicted++;
                    return true;
                }
                return false;
            }
        };
    }

    /** Adds the kernel's sums for one key (classified there, at each connection's close) to its row. */
    void add(Flow flow, String exe, CgroupNames.Cgroup cgroup, String name) {
        Key key = new Key(exe, flow.cgroupId(), cgroup, destination(flow), name);
        rows.merge(key, new Row(key, flow.connections(), flow.synRetransmits(), flow.refused(), flow.timedOut(),
                flow.resetsReceived(), flow.resetsSent(), flow.retransmits()), Row::plus);
    }

    /** The rows of the interval that ends now, worst first, and resets the table for the next one. */
    Interval take() {
        List<Row> out = new ArrayList<>(rows.values());
        out.sort(WORST_FIRST);
        Interval interval = new Interval(out, evicted);
        rows.clear();
        evicted = 0;
        return interval;
    }

    int size() {
        return rows.size();
    }

    /** {@code 10.1.2.3:443}, {@code [fe80::1]:443}. */
    static String destination(Flow flow) {
        try {
            String address = InetAddress.getByAddress(flow.address()).getHostAddress();
            return (flow.address().length == 16 ? "[" + address + "]" : address) + ":" + flow.port();
        } catch (UnknownHostException e) {
            return "?:" + flow.port();   // getByAddress only fails on a length other than 4 or 16
        }
    }
}
