package io.changegraph.impact;

import static io.changegraph.repository.model.Verb.CHMOD;
import static io.changegraph.repository.model.Verb.CREATE;
import static io.changegraph.repository.model.Verb.MKDIR;
import static io.changegraph.repository.model.Verb.OPEN;
import static io.changegraph.repository.model.Verb.RENAME;
import static io.changegraph.repository.model.Verb.UNLINK;
import static io.changegraph.repository.model.Verb.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import io.changegraph.repository.model.Ids;
import io.changegraph.repository.model.SummaryBehaviour;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecognisePackagesTest {
    private static final String DEB = "/tmp/build/myapp_1.0-1_all.deb";

    /** dpkg -i of a package with a binary, a doc directory and a man page, whose install runs man-db's trigger. */
    private static RecogniserGraph dpkgInstall() {
        RecogniserGraph g = new RecogniserGraph()
                .process(1, 0, "/usr/bin/bash", "bash", "deploy.sh")
                .process(2, 1, "/usr/bin/dpkg", "dpkg", "-i", DEB)
                .on(2, OPEN, DEB, "read")
                .onMoved(2, CREATE, List.of("/usr/bin/myapp.dpkg-new", "/usr/bin/myapp"), "write,create")
                .onMoved(2, WRITE, List.of("/usr/bin/myapp.dpkg-new", "/usr/bin/myapp"))
                .onMoved(2, RENAME, List.of("/usr/bin/myapp.dpkg-new", "/usr/bin/myapp"), "/usr/bin/myapp")
                .onMoved(2, MKDIR, List.of("/usr/share/doc/myapp.dpkg-new", "/usr/share/doc/myapp"), "0755")
                .onMoved(2, CREATE, List.of("/usr/share/man/man1/myapp.1.gz.dpkg-new", "/usr/share/man/man1/myapp.1.gz"))
                .onMoved(2, CREATE, List.of("/var/lib/dpkg/info/myapp.list-new", "/var/lib/dpkg/info/myapp.list"))
                .onMoved(2, RENAME, List.of("/var/lib/dpkg/info/myapp.list-new", "/var/lib/dpkg/info/myapp.list"))
                .onMoved(2, CREATE, List.of("/var/lib/dpkg/status-new", "/var/lib/dpkg/status"))
                .on(2, CREATE, "/var/log/dpkg.log")
                .on(2, CREATE, "/var/lib/dpkg/updates/tmp.i")
                .on(2, UNLINK, "/var/lib/dpkg/updates/tmp.i")
                .process(3, 2, "/var/lib/dpkg/info/man-db.postinst", "/bin/sh", "/var/lib/dpkg/info/man-db.postinst",
                        "triggered", "/usr/share/man")
                .process(4, 3, "/usr/bin/mandb", "/usr/bin/mandb", "-pq")
                .on(4, CREATE, "/var/cache/man/index.db")
                .on(4, CHMOD, "/var/cache/man/index.db", "0644");
        return g;
    }

    @Test
    void dpkgInstall_namesPackageVersionFilesAndTriggers() {
        SummaryBehaviour install = dpkgInstall().only("package.install");
        assertThat(install.subject()).isEqualTo("myapp");
        assertThat(install.detail()).isEqualTo("1.0-1: 2 files, 1 directory; triggers: man-db");
        assertThat(install.processes()).containsExactly(Ids.process(2, 2000));
        assertThat(install.evidence()).contains(Ids.file("/var/lib/dpkg/info/myapp.list-new", 0),
                Ids.file("/usr/bin/myapp.dpkg-new", 0), Ids.file("/usr/share/doc/myapp.dpkg-new", 0))
                .doesNotContain(Ids.file("/var/log/dpkg.log", 0), Ids.file("/var/cache/man/index.db", 0));
    }

    @Test
    void dpkgInstall_foldsTheWholeSubtreeWithItsTriggers() {
        OpsFindings findings = dpkgInstall().findings();
        assertThat(findings.foldedProcesses())
                .containsExactlyInAnyOrder(Ids.process(2, 2000), Ids.process(3, 3000), Ids.process(4, 4000));
        assertThat(findings.behaviours()).extracting(SummaryBehaviour::kind).containsExactly("package.install");
    }

    @Test
    void dpkgInstall_overAnInstalledVersion_isAnUpgrade() {
        RecogniserGraph g = dpkgInstall();
        g.replacedFile("/var/lib/dpkg/info/myapp.list");
        assertThat(g.told()).containsExactly("package.upgrade myapp");
    }

    @Test
    void dpkgPurge_isARemovalWithTheFilesRemoved() {
        RecogniserGraph g = new RecogniserGraph()
                .process(1, 0, "/usr/bin/dpkg", "dpkg", "--purge", "myapp")
                .on(1, UNLINK, "/usr/bin/myapp")
                .on(1, UNLINK, "/usr/share/man/man1/myapp.1.gz")
                .on(1, UNLINK, "/var/lib/dpkg/info/myapp.list");
        SummaryBehaviour remove = g.only("package.remove");
        assertThat(remove.subject()).isEqualTo("myapp");
        assertThat(remove.detail()).isEqualTo("2 files removed");
    }

    @Test
    void dpkgPurge_thatRewritesTheListBeforeDeletingIt_isStillARemoval() {
        String list = "/var/lib/dpkg/info/myapp.list";
        RecogniserGraph g = new RecogniserGraph().process(1, 0, "/usr/bin/dpkg", "dpkg", "--purge", "myapp");
        String first = g.file(0, true, list + "-new", list).id();
        String second = g.file(1, false, list + "-new", list).id();
        g.on(1, io.changegraph.repository.model.Verb.CREATE, first, 1, 0).on(1, RENAME, first, 1, 0)
                .on(1, io.changegraph.repository.model.Verb.CREATE, second, 1, 0).on(1, RENAME, second, 1, 0)
                .on(1, UNLINK, "/usr/bin/myapp")
                .on(1, UNLINK, second, 1, 0);
        assertThat(g.told()).containsExactly("package.remove myapp");
        assertThat(g.only("package.remove").detail()).isEqualTo("1 file removed");
    }

    @Test
    void dpkgQuery_isNoBehaviourAndNotFolded() {
        RecogniserGraph g = new RecogniserGraph()
                .process(1, 0, "/usr/bin/dpkg", "dpkg", "-s", "myapp")
                .on(1, OPEN, "/var/lib/dpkg/status", "read");
        assertThat(g.behaviours()).isEmpty();
        assertThat(g.findings().foldedProcesses()).isEmpty();
    }

    @Test
    void aptInstall_namesEveryPackageDpkgRecorded_withVersionsFromTheArchives() {
        RecogniserGraph g = new RecogniserGraph()
                .process(1, 0, "/usr/bin/apt-get", "apt-get", "-y", "install", "hello")
                .process(2, 1, "/usr/bin/dpkg", "dpkg", "--status-fd", "35", "--unpack",
                        "/var/cache/apt/archives/hello_2.10-3_amd64.deb", "/var/cache/apt/archives/libfoo1_1.2-1_amd64.deb")
                .on(2, CREATE, "/usr/bin/hello")
                .on(2, CREATE, "/var/lib/dpkg/info/hello.list")
                .on(2, CREATE, "/var/lib/dpkg/info/libfoo1:amd64.list");
        assertThat(g.told()).containsExactly("package.install hello", "package.install libfoo1");
        assertThat(g.behaviours().getFirst().detail()).isEqualTo("2.10-3: 1 file for 2 packages");
        assertThat(g.behaviours().getFirst().processes()).contains(Ids.process(1, 1000), Ids.process(2, 2000));
    }

    @Test
    void aptInstall_ofAnInstalledPackage_changesNothing() {
        RecogniserGraph g = new RecogniserGraph().process(1, 0, "/usr/bin/apt-get", "apt-get", "install", "hello");
        assertThat(g.behaviours()).isEmpty();
    }

    @Test
    void pipModule_upgrade_saysOldAndNewVersionFromTheDistInfo() {
        String site = "/usr/lib/python3/dist-packages/";
        RecogniserGraph g = new RecogniserGraph()
                .process(1, 0, "/usr/bin/python3", "python3", "-m", "pip", "install", "-U", "requests==2.32.0")
                .on(1, UNLINK, site + "requests-2.31.0.dist-info/METADATA")
                .on(1, CREATE, site + "requests-2.32.0.dist-info/METADATA")
                .on(1, CREATE, site + "requests/api.py");
        SummaryBehaviour upgrade = g.only("package.upgrade");
        assertThat(upgrade.subject()).isEqualTo("requests");
        assertThat(upgrade.detail()).startsWith("2.31.0 → 2.32.0");
    }

    @Test
    void rpmUpgrade_withoutStatusFiles_isToldByTheCommandLine() {
        RecogniserGraph g = new RecogniserGraph()
                .process(1, 0, "/usr/bin/rpm", "rpm", "-Uvh", "/tmp/nginx-1.24.0-1.el9.x86_64.rpm");
        SummaryBehaviour upgrade = g.only("package.upgrade");
        assertThat(upgrade.subject()).isEqualTo("nginx");
        assertThat(upgrade.detail()).isEqualTo("1.24.0-1.el9");
    }

    @Test
    void failedInstall_saysTheManagerFailed() {
        RecogniserGraph g = new RecogniserGraph().process(1, 0, 1, "/usr/bin/dpkg", "dpkg", "-i", DEB);
        assertThat(g.only("package.install").detail()).isEqualTo("1.0-1; dpkg failed (exit 1)");
    }

    @Test
    void maintainerScriptAccounts_areStillTold() {
        RecogniserGraph g = dpkgInstall()
                .process(5, 2, "/var/lib/dpkg/info/myapp.postinst", "/bin/sh", "/var/lib/dpkg/info/myapp.postinst", "configure")
                .process(6, 5, "/usr/sbin/useradd", "useradd", "--system", "myapp");
        assertThat(g.told()).containsExactly("package.install myapp", "user.add myapp");
        assertThat(g.findings().foldedProcesses()).contains(Ids.process(6, 6000));
    }
}
