package io.changegraph.controller.netwatch;

import io.changegraph.probes.Cgroup2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Names cgroup v2 ids (what {@code bpf_get_current_cgroup_id} gives): the id is the inode number of the cgroup's
 * directory, so the cgroup2 hierarchy is walked to find it. Found paths are cached (at most {@code capacity}, least
 * recently used forgotten first, counted); an id not found (a cgroup already removed) is not looked for again for a
 * second, so a burst of unknown ids costs one walk. Not thread-safe: netwatch's polling thread uses it.
 */
final class CgroupNames {
    /** An id's cgroup: its path in the hierarchy ({@code /system.slice/docker-…scope}); container and pod when the path names them. */
    record Cgroup(String path, String container, String pod) {
        static final Cgroup UNKNOWN = new Cgroup(null, null, null);

        Cgroup {
            if (path == null && (container != null || pod != null)) {
                throw new IllegalArgumentException("a container without a cgroup path");
            }
        }
    }

    private static final long RETRY_NANOS = 1_000_000_000L;
    private static final int MAX_DEPTH = 32;
    private static final int MAX_DIRECTORIES = 200_000;
    private static final String HEX64 = "([0-9a-f]{64})";
    /** A container's id in a path segment: docker, containerd (CRI), CRI-O, podman (systemd and cgroupfs drivers). */
    private static final List<Pattern> CONTAINER = List.of(
            Pattern.compile("docker-" + HEX64 + "\\.scope"),
            Pattern.compile("cri-containerd-" + HEX64 + "\\.scope"),
            Pattern.compile("crio-" + HEX64 + "(?:\\.scope)?"),
            Pattern.compile("libpod-" + HEX64 + "(?:\\.scope)?"),
            Pattern.compile(HEX64));   // cgroupfs drivers: /docker/ID, /kubepods/burstable/podUID/ID, /libpod_parent/ID
    private static final Pattern LXC = Pattern.compile("lxc\\.payload\\.([^/]+)");
    /** A Kubernetes pod: {@code kubepods-burstable-pod0a1b_….slice} (systemd) or {@code pod0a1b-…} (cgroupfs). */
    private static final Pattern POD = Pattern.compile(
            "(?:kubepods(?:-[a-z]+)?-pod|^pod)([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(?:\\.slice)?");

    private final Path root;
    private final int capacity;
    private final LongSupplier clock;
    private final LinkedHashMap<Long, Cgroup> cache;
    private final Map<Long, Long> missedAt = new LinkedHashMap<>();
    private long evicted;
    private long walks;

    CgroupNames(Path root, int capacity, LongSupplier clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a cgroup cache of " + capacity + " entries: give at least 1");
        }
        this.root = root;
        this.capacity = capacity;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Cgroup> eldest) {
                if (size() > CgroupNames.this.capacity) {
                    evicted++;
                    return true;
                }
                return false;
            }
        };
    }

    /** The host's cgroup2 hierarchy (from /proc/self/mountinfo), or none: then every id is unknown. */
    static CgroupNames host(int capacity) {
        return new CgroupNames(Cgroup2.hostMount().orElse(null), capacity, System::nanoTime);
    }

    /** The cgroup with this id; {@link Cgroup#UNKNOWN} for 0, an id no directory has (any more), or no hierarchy. */
    Cgroup of(long id) {
        Cgroup known = cache.get(id);
        if (known != null) {
            return known;
        }
        if (id == 0 || root == null) {
            return Cgroup.UNKNOWN;
        }
        Long missed = missedAt.get(id);
        long now = clock.getAsLong();
        if (missed != null && now - missed < RETRY_NANOS) {
            return Cgroup.UNKNOWN;
        }
        String path = find(id);
        if (path == null) {
            missedAt.put(id, now);
            if (missedAt.size() > capacity) {
                missedAt.remove(missedAt.keySet().iterator().next());
            }
            return Cgroup.UNKNOWN;
        }
        missedAt.remove(id);
        Cgroup cgroup = describe(path);
        cache.put(id, cgroup);
        return cgroup;
    }

    /** Cgroups forgotten to keep the cache within its capacity. */
    long evicted() {
        return evicted;
    }

    /** Walks of the hierarchy so far (one per id not in the cache, at most one a second per unknown id). */
    long walks() {
        return walks;
    }

    /** Breadth-first: the directory whose inode number is {@code id}, as a path from the hierarchy's root. */
    private String find(long id) {
        walks++;
        Deque<Path> queue = new ArrayDeque<>();
        queue.add(root);
        int seen = 0;
        while (!queue.isEmpty() && seen++ < MAX_DIRECTORIES) {
            Path dir = queue.poll();
            try {
                Object inode = Files.getAttribute(dir, "unix:ino");
                if (inode instanceof Long n && n == id) {
                    String relative = root.relativize(dir).toString();
                    return "/" + relative;
                }
                if (root.relativize(dir).getNameCount() >= MAX_DEPTH) {
                    continue;
                }
                try (Stream<Path> children = Files.list(dir)) {
                    children.filter(Files::isDirectory).sorted().forEach(queue::add);
                }
            } catch (IOException | UncheckedIOException | UnsupportedOperationException | SecurityException e) {
                // removed while walking, or unreadable: skip it
            }
        }
        return null;
    }

    /** The container id and pod uid a cgroup path names, if any (the deepest segment that names one). */
    static Cgroup describe(String path) {
        String container = null;
        String pod = null;
        for (String segment : path.split("/")) {
            for (Pattern p : CONTAINER) {
                Matcher m = p.matcher(segment);
                if (m.matches()) {
                    container = m.group(1);
                    break;
                }
            }
            Matcher lxc = LXC.matcher(segment);
            if (lxc.matches()) {
                container = lxc.group(1);
            }
            Matcher m = POD.matcher(segment);
            if (m.matches()) {
                pod = m.group(1).replace('_', '-');
            }
        }
        return new Cgroup(path, container, pod);
    }
}
