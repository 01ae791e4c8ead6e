package io.changegraph.probes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cgroup2Test {
    @Test
    void mount_isReadFromMountinfo_hybridOrUnified(@TempDir Path dir) throws Exception {
        Path hybrid = dir.resolve("hybrid");
        Files.writeString(hybrid, """
                25 30 0:22 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755
                26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw,nsdelegate
                27 25 0:24 / /sys/fs/cgroup/memory rw,nosuid shared:11 - cgroup cgroup rw,memory
                """);
        Path unified = dir.resolve("unified");
        Files.writeString(unified, "30 1 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw\n");
        Path spaced = dir.resolve("spaced");
        Files.writeString(spaced, "30 1 0:26 / /run/my\\040cgroups rw shared:4 - cgroup2 none rw\n");
        Path none = dir.resolve("none");
        Files.writeString(none, "25 30 0:22 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");

        assertThat(Cgroup2.mount(hybrid)).contains(Path.of("/sys/fs/cgroup/unified"));
        assertThat(Cgroup2.mount(unified)).contains(Path.of("/sys/fs/cgroup"));
        assertThat(Cgroup2.mount(spaced)).contains(Path.of("/run/my cgroups"));
        assertThat(Cgroup2.mount(none)).isEmpty();
        assertThat(Cgroup2.mount(dir.resolve("missing"))).isEmpty();
    }
}
