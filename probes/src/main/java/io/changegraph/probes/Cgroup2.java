package io.changegraph.probes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the host's cgroup v2 hierarchy is mounted: netwatch attaches its connect hooks to its root (every socket of
 * the host is under it) and names cgroup ids by its directories. Hybrid hosts mount it at /sys/fs/cgroup/unified,
 * unified ones at /sys/fs/cgroup; a host that uses only cgroup v1 may have none mounted.
 */
public final class Cgroup2 {
    private Cgroup2() {
    }

    /** The mount point of the first cgroup2 file system in this process's mount table. */
    public static Optional<Path> hostMount() {
        return mount(Path.of("/proc/self/mountinfo"));
    }

    /** The mount point of the first cgroup2 file system in a mountinfo file (empty: none, or unreadable). */
    public static Optional<Path> mount(Path mountinfo) {
        try (Stream<String> lines = Files.lines(mountinfo)) {
            return lines.map(line -> line.split(" "))
                    .filter(f -> {
                        int dash = List.of(f).indexOf("-");
                        return dash > 0 && dash + 1 < f.length && f[dash + 1].equals("cgroup2");
                    })
                    .map(f -> Path.of(f[4].replace("\\040", " ")))
                    .findFirst();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }
}
