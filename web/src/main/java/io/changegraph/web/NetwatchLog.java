package io.changegraph.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * netwatch's JSON lines ({@code changegraph netwatch --json}, the agent's {@code STORE/netwatch.jsonl}) per
 * destination over time, for the viewer's netwatch page. Only the last {@value #TAIL_BYTES} bytes of the file are
 * read (it only grows until logrotate truncates it); the parsed lines are kept until the file changes. Lines that
 * are not netwatch's are skipped and counted. Thread-safe (one lock; requests are rare).
 */
final class NetwatchLog {
    static final long TAIL_BYTES = 32L << 20;
    static final int MAX_DESTINATIONS = 200;
    /** The anomaly kinds, in the order the page stacks them (worst first). */
    static final List<String> KINDS = List.of("refused", "timed_out", "resets_received", "resets_sent",
            "syn_retransmits", "retransmits");

    /** One {@code "type":"flow"} line. */
    record Flow(Instant time, String destination, String name, String exe, String container, String pod,
                String cgroup, long connections, Map<String, Long> counts) {
        Flow {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(destination, "destination");
            counts = Map.copyOf(counts);
        }
    }

    /** What the file held when last read: its flow lines (oldest first), interval lines, lines skipped. */
    private record Parsed(FileStamp stamp, List<Flow> flows, List<Instant> intervals, long lost, long skipped) {
    }

    private final Path file;
    private Parsed parsed;

    NetwatchLog(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    Path file() {
        return file;
    }

    /**
     * The window of {@code window} ending at the newest line of the file, cut into {@code buckets}: per destination
     * (worst first: failed connects, resets, SYN retransmits, data retransmits) its totals per kind, one series per
     * kind, its names, executables, containers, pods and cgroups. At most {@value #MAX_DESTINATIONS} destinations.
     */
    synchronized Map<String, Object> view(Duration window, int buckets) {
        Parsed p = read();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", file.getFileName().toString());
        out.put("available", p != null);
        out.put("kinds", KINDS);
        out.put("buckets", buckets);
        out.put("window_seconds", window.toSeconds());
        long bucketMillis = Math.max(1, window.toMillis() / buckets);
        out.put("bucket_seconds", bucketMillis / 1000.0);
        Instant to = p == null ? null : newest(p);
        Instant from = to == null ? null : to.minus(window);
        out.put("from", Json.time(from));
        out.put("to", Json.time(to));
        Map<String, Destination> byDestination = new TreeMap<>();
        long intervals = 0;
        if (to != null) {
            for (Flow f : p.flows()) {
                if (!f.time().isAfter(from) || f.time().isAfter(to)) {
                    continue;
                }
                int bucket = (int) Math.min(buckets - 1, Math.max(0,
                        (f.time().toEpochMilli() - from.toEpochMilli() - 1) / bucketMillis));
                byDestination.computeIfAbsent(f.destination(), d -> new Destination(d, buckets)).add(f, bucket);
            }
            intervals = p.intervals().stream().filter(t -> t.isAfter(from) && !t.isAfter(to)).count();
        }
        out.put("intervals", intervals);
        out.put("skipped_lines", p == null ? 0 : p.skipped());
        List<Destination> worst = new ArrayList<>(byDestination.values());
        worst.sort(Comparator.comparingLong(Destination::severity).reversed().thenComparing(Destination::destination));
        out.put("total_destinations", worst.size());
        out.put("destinations", worst.stream().limit(MAX_DESTINATIONS).map(Destination::json).toList());
        return out;
    }

    private static Instant newest(Parsed p) {
        Instant newest = null;
        for (Instant t : p.intervals()) {
            newest = newest == null || t.isAfter(newest) ? t : newest;
        }
        for (Flow f : p.flows()) {
            newest = newest == null || f.time().isAfter(newest) ? f.time() : newest;
        }
        return newest;
    }

    /** The parsed file, read again when its stamp changed; null when it does not exist (yet). */
    private Parsed read() {
        Optional<FileStamp> stamp = FileStamp.of(file);
        if (stamp.isEmpty()) {
            parsed = null;
            return null;
        }
        if (parsed != null && parsed.stamp().equals(stamp.get())) {
            return parsed;
        }
        List<Flow> flows = new ArrayList<>();
        List<Instant> intervals = new ArrayList<>();
        long skipped = 0;
        long lost = 0;
        for (String line : tail()) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode node = Json.MAPPER.readTree(line);
                String type = node.path("type").asText();
                Instant time = Instant.parse(node.path("time").asText());
                if (type.equals("interval")) {
                    intervals.add(time);
                    lost += node.path("lost").asLong();
                } else if (type.equals("flow") && node.hasNonNull("destination")) {
                    Map<String, Long> counts = new LinkedHashMap<>();
                    for (String kind : KINDS) {
                        counts.put(kind, Math.max(0, node.path(kind).asLong()));
                    }
                    flows.add(new Flow(time, node.get("destination").asText(), text(node, "name"), text(node, "exe"),
                            text(node, "container"), text(node, "pod"), text(node, "cgroup"),
                            node.path("connections").asLong(), counts));
                } else {
                    skipped++;
                }
            } catch (IOException | DateTimeParseException e) {
                skipped++;
            }
        }
        parsed = new Parsed(stamp.get(), flows, intervals, lost, skipped);
        return parsed;
    }

    private static String text(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** The file's last {@value #TAIL_BYTES} bytes as lines, without a first line cut in the middle. */
    private List<String> tail() {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long start = Math.max(0, length - TAIL_BYTES);
            byte[] bytes = new byte[(int) (length - start)];
            in.seek(start);
            in.readFully(bytes);
            List<String> lines = new ArrayList<>(new String(bytes, StandardCharsets.UTF_8).lines().toList());
            if (start > 0 && !lines.isEmpty()) {
                lines.removeFirst();
            }
            return lines;
        } catch (IOException e) {
            return List.of();
        }
    }

    /** One destination's rows of the window. */
    private static final class Destination {
        private final String destination;
        private final TreeSet<String> names = new TreeSet<>();
        private final TreeSet<String> exes = new TreeSet<>();
        private final TreeSet<String> containers = new TreeSet<>();
        private final TreeSet<String> pods = new TreeSet<>();
        private final TreeSet<String> cgroups = new TreeSet<>();
        private final Map<String, Long> totals = new LinkedHashMap<>();
        private final Map<String, long[]> series = new LinkedHashMap<>();
        private long connections;
        private Instant last;

        Destination(String destination, int buckets) {
            this.destination = destination;
            for (String kind : KINDS) {
                totals.put(kind, 0L);
                series.put(kind, new long[buckets]);
            }
        }

        String destination() {
            return destination;
        }

        void add(Flow f, int bucket) {
            if (f.name() != null) {
                names.add(f.name());
            }
            if (f.exe() != null) {
                exes.add(f.exe());
            }
            if (f.container() != null) {
                containers.add(f.container());
            }
            if (f.pod() != null) {
                pods.add(f.pod());
            }
            if (f.cgroup() != null) {
                cgroups.add(f.cgroup());
            }
            connections += f.connections();
            for (String kind : KINDS) {
                long n = f.counts().getOrDefault(kind, 0L);
                totals.merge(kind, n, Long::sum);
                series.get(kind)[bucket] += n;
            }
            last = last == null || f.time().isAfter(last) ? f.time() : last;
        }

        long severity() {
            return (totals.get("refused") + totals.get("timed_out")) * 1_000_000_000L
                    + (totals.get("resets_received") + totals.get("resets_sent")) * 1_000_000L
                    + Math.min(totals.get("syn_retransmits"), 999_999) * 1_000L + Math.min(totals.get("retransmits"), 999);
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("destination", destination);
            m.put("names", List.copyOf(names));
            m.put("exes", List.copyOf(exes));
            m.put("containers", List.copyOf(containers));
            m.put("pods", List.copyOf(pods));
            m.put("cgroups", List.copyOf(cgroups));
            m.put("connections", connections);
            m.put("totals", totals);
            Map<String, Object> s = new LinkedHashMap<>();
            series.forEach((kind, values) -> s.put(kind, values));
            m.put("series", s);
            m.put("last_seen", Json.time(last));
            return m;
        }
    }
}
