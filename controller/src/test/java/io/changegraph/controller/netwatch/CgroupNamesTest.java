package io.changegraph.controller.netwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cgroup ids to paths (a directory's inode number is its cgroup id), containers and pods named by paths. */
class CgroupNamesTest {
    private static final String ID = "4f1c0a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a";

    @Test
    void containerRuntimesPaths_nameTheContainer_andKubernetesPathsThePod() {
        assertThat(CgroupNames.describe("/system.slice/docker-" + ID + ".scope").container()).isEqualTo(ID);
        assertThat(CgroupNames.describe("/docker/" + ID).container()).isEqualTo(ID);
        assertThat(CgroupNames.describe("/system.slice/cri-containerd-" + ID + ".scope").container()).isEqualTo(ID);
        assertThat(CgroupNames.describe("/machine.slice/libpod-" + ID + ".scope/container").container()).isEqualTo(ID);
        assertThat(CgroupNames.describe("/kubepods.slice/kubepods-burstable.slice/"
                + "kubepods-burstable-pod0a1b2c3d_4e5f_6a7b_8c9d_0e1f2a3b4c5d.slice/crio-" + ID + ".scope"))
                .satisfies(c -> {
                    assertThat(c.container()).isEqualTo(ID);
                    assertThat(c.pod()).isEqualTo("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d");
                });
        assertThat(CgroupNames.describe("/kubepods/besteffort/pod0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d/" + ID))
                .satisfies(c -> {
                    assertThat(c.container()).isEqualTo(ID);
                    assertThat(c.pod()).isEqualTo("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d");
                });
        assertThat(CgroupNames.describe("/lxc.payload.web1").container()).isEqualTo("web1");
        assertThat(CgroupNames.describe("/user.slice/user-1000.slice/session-4.scope"))
                .isEqualTo(new CgroupNames.Cgroup("/user.slice/user-1000.slice/session-4.scope", null, null));
        assertThat(CgroupNames.describe("/system.slice/docker-" + ID.substring(1) + ".scope").container())
                .as("63 hex digits are no container id").isNull();
    }

    @Test
    void id_isFoundByItsDirectorysInode_cached_andAMissIsNotWalkedAgainWithinASecond(@TempDir Path root)
            throws Exception {
        Path scope = Files.createDirectories(root.resolve("system.slice/docker-" + ID + ".scope"));
        long inode = (Long) Files.getAttribute(scope, "unix:ino");
        long rootInode = (Long) Files.getAttribute(root, "unix:ino");
        AtomicLong now = new AtomicLong();
        CgroupNames names = new CgroupNames(root, 8, now::get);

        assertThat(names.of(inode)).isEqualTo(new CgroupNames.Cgroup("/system.slice/docker-" + ID + ".scope", ID, null));
        assertThat(names.of(rootInode).path()).isEqualTo("/");
        long walks = names.walks();
        assertThat(names.of(inode).container()).isEqualTo(ID);
        assertThat(names.walks()).as("cached").isEqualTo(walks);

        assertThat(names.of(inode + 1_000_000)).isEqualTo(CgroupNames.Cgroup.UNKNOWN);
        assertThat(names.of(inode + 1_000_000)).isEqualTo(CgroupNames.Cgroup.UNKNOWN);
        assertThat(names.walks()).as("a miss is remembered for a second").isEqualTo(walks + 1);
        now.addAndGet(2_000_000_000L);
        names.of(inode + 1_000_000);
        assertThat(names.walks()).isEqualTo(walks + 2);
        assertThat(names.of(0)).isEqualTo(CgroupNames.Cgroup.UNKNOWN);
    }

    @Test
    void fullCache_forgetsTheLeastRecentlyUsed_andCountsIt(@TempDir Path root) throws Exception {
        CgroupNames names = new CgroupNames(root, 1, () -> 0);
        long a = (Long) Files.getAttribute(Files.createDirectory(root.resolve("a")), "unix:ino");
        long b = (Long) Files.getAttribute(Files.createDirectory(root.resolve("b")), "unix:ino");

        assertThat(names.of(a).path()).isEqualTo("/a");
        assertThat(names.of(b).path()).isEqualTo("/b");
        assertThat(names.evicted()).isEqualTo(1);
        assertThatThrownBy(() -> new CgroupNames(root, 0, () -> 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noHierarchy_everyIdUnknown() {
        assertThat(new CgroupNames(null, 4, () -> 0).of(1)).isEqualTo(CgroupNames.Cgroup.UNKNOWN);
    }
}
