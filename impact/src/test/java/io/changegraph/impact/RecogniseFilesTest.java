package io.changegraph.impact;

import static io.changegraph.repository.model.Verb.CHMOD;
import static io.changegraph.repository.model.Verb.CREATE;
import static io.changegraph.repository.model.Verb.LOAD_MODULE;
import static io.changegraph.repository.model.Verb.OPEN;
import static io.changegraph.repository.model.Verb.READ;
import static io.changegraph.repository.model.Verb.RENAME;
import static io.changegraph.repository.model.Verb.SYMLINK;
import static io.changegraph.repository.model.Verb.UNLINK;
import static io.changegraph.repository.model.Verb.UNLOAD_MODULE;
import static io.changegraph.repository.model.Verb.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecogniseFilesTest {
    private static RecogniserGraph shell() {
        return new RecogniserGraph().process(1, 0, "/usr/bin/bash", "bash", "change.sh");
    }

    @Test
    void cronFileCreated_isCronChangeOfItsPath() {
        RecogniserGraph g = shell().on(1, CREATE, "/etc/cron.d/myapp", "write,create,truncate").on(1, WRITE, "/etc/cron.d/myapp");
        assertThat(g.told()).containsExactly("cron.change /etc/cron.d/myapp");
        assertThat(g.only("cron.change").detail()).isEqualTo("created, written by bash");
    }

    @Test
    void cronFileEditedWithSedInPlace_isToldUnderItsFinalPath() {
        RecogniserGraph g = shell().process(2, 1, "/usr/bin/sed", "sed", "-i", "s/5/10/", "/etc/cron.d/myapp")
                .on(2, OPEN, "/etc/cron.d/myapp", "read")
                .onMoved(2, CREATE, List.of("/etc/cron.d/sedAb12Cd", "/etc/cron.d/myapp"))
                .onMoved(2, RENAME, List.of("/etc/cron.d/sedAb12Cd", "/etc/cron.d/myapp"), "/etc/cron.d/myapp");
        assertThat(g.told()).containsExactly("cron.change /etc/cron.d/myapp");
    }

    @Test
    void transientFileInACronDirectory_isNoBehaviour() {
        RecogniserGraph g = shell().on(1, CREATE, "/etc/cron.d/.tmp123").on(1, UNLINK, "/etc/cron.d/.tmp123");
        assertThat(g.behaviours()).isEmpty();
    }

    @Test
    void timerUnit_isCronChange_andOtherUnitsServiceChangeOfTheUnit() {
        RecogniserGraph g = shell()
                .on(1, CREATE, "/etc/systemd/system/backup.timer")
                .on(1, CREATE, "/etc/systemd/system/backup.service")
                .on(1, CREATE, "/etc/systemd/system/nginx.service.d/override.conf")
                .on(1, UNLINK, "/etc/init.d/legacy");
        assertThat(g.told()).containsExactly("cron.change backup.timer", "service.change backup.service",
                "service.change legacy", "service.change nginx.service");
    }

    @Test
    void wantsLinkMadeOrRemoved_isServiceEnableOrDisable() {
        RecogniserGraph g = shell()
                .on(1, SYMLINK, "/etc/systemd/system/multi-user.target.wants/nginx.service", "/lib/systemd/system/nginx.service")
                .on(1, UNLINK, "/etc/systemd/system/multi-user.target.wants/cups.service");
        assertThat(g.told()).containsExactly("service.disable cups.service", "service.enable nginx.service");
    }

    @Test
    void authConfig_isAuthChange() {
        RecogniserGraph g = shell()
                .on(1, WRITE, "/etc/ssh/sshd_config")
                .on(1, CREATE, "/etc/sudoers.d/ops")
                .on(1, WRITE, "/home/alice/.ssh/authorized_keys")
                .on(1, WRITE, "/etc/pam.d/sshd");
        assertThat(g.told()).containsExactly("auth.change /etc/pam.d/sshd", "auth.change /etc/ssh/sshd_config",
                "auth.change /etc/sudoers.d/ops", "auth.change /home/alice/.ssh/authorized_keys");
    }

    @Test
    void passwdEditedDirectly_isUserChange_butByUseraddOnlyWhatUseraddSays() {
        RecogniserGraph direct = shell().on(1, WRITE, "/etc/passwd");
        assertThat(direct.told()).containsExactly("user.change /etc/passwd");

        RecogniserGraph useradd = shell().process(2, 1, "/usr/sbin/useradd", "useradd", "alice")
                .onMoved(2, CREATE, List.of("/etc/passwd+", "/etc/passwd"))
                .onMoved(2, RENAME, List.of("/etc/passwd+", "/etc/passwd"), "/etc/passwd")
                .onMoved(2, RENAME, List.of("/etc/group+", "/etc/group"), "/etc/group");
        assertThat(useradd.told()).containsExactly("group.add alice", "user.add alice");   // no user.change, group.change
    }

    @Test
    void procSysWrite_isSysctlChangeOfTheDottedKey_andAReadIsNothing() {
        RecogniserGraph g = shell().process(2, 1, "/usr/sbin/sysctl", "sysctl", "-w", "net.ipv4.ip_forward=1")
                .on(2, WRITE, "/proc/sys/net/ipv4/ip_forward")
                .on(2, READ, "/proc/sys/kernel/ngroups_max")
                .on(1, CREATE, "/etc/sysctl.d/99-forward.conf");
        assertThat(g.told()).containsExactly("sysctl.change /etc/sysctl.d/99-forward.conf", "sysctl.change net.ipv4.ip_forward");
    }

    @Test
    void networkAndFirewallFiles_areTheirChanges() {
        RecogniserGraph g = shell().on(1, WRITE, "/etc/netplan/50-cloud.yaml").on(1, WRITE, "/etc/nftables.conf");
        assertThat(g.told()).containsExactly("firewall.change /etc/nftables.conf", "netconf.change /etc/netplan/50-cloud.yaml");
    }

    @Test
    void chmodModes_setuidSetgidWorldWritable_butNotAStickyDirectory() {
        RecogniserGraph g = shell().process(2, 1, "/usr/bin/chmod", "chmod", "u+s", "/usr/local/bin/tool")
                .on(2, CHMOD, "/usr/local/bin/tool", "4755")
                .on(1, CHMOD, "/srv/share", "2775")
                .on(1, CHMOD, "/srv/drop", "0777")
                .on(1, CHMOD, "/srv/tmp", "1777")
                .on(1, CHMOD, "/srv/plain", "0644")
                .on(1, CHMOD, "/usr/local/bin/both", "6755");
        assertThat(g.told()).containsExactly("file.setuid /srv/share", "file.setuid /usr/local/bin/both",
                "file.setuid /usr/local/bin/tool", "file.world_writable /srv/drop");
        assertThat(g.behaviours().get(1).detail()).isEqualTo("setuid, setgid 6755 by bash change.sh");
        assertThat(g.behaviours().getFirst().detail()).isEqualTo("setgid 2775 by bash change.sh");
        assertThat(g.behaviours().get(2).detail()).isEqualTo("setuid 4755 by chmod u+s /usr/local/bin/tool");
    }

    @Test
    void secretRead_byAnyoneButTheAccountTools_andOnlyWhenItSucceeded() {
        RecogniserGraph g = shell()
                .process(2, 1, "/usr/bin/cat", "cat", "/etc/shadow").on(2, OPEN, "/etc/shadow", "read")
                .process(3, 1, "/usr/sbin/useradd", "useradd", "x").on(3, OPEN, "/etc/shadow", "read,write")
                .process(4, 1, "/usr/bin/cp", "cp", "/root/.ssh/id_ed25519", "/tmp/k")
                .on(4, OPEN, keyFile(), 1, 1, "read");
        g.file("/root/.ssh/id_ed25519");
        assertThat(g.told()).containsExactly("secret.read /etc/shadow", "user.add x");
        assertThat(g.only("secret.read").processes()).hasSize(1);
    }

    private static String keyFile() {
        return io.changegraph.repository.model.Ids.file("/root/.ssh/id_ed25519", 0);
    }

    @Test
    void moduleVerbs_areModuleLoadAndUnload() {
        RecogniserGraph g = shell().process(2, 1, "/usr/sbin/modprobe", "modprobe", "dummy")
                .module(2, LOAD_MODULE, "dummy")
                .process(3, 1, "/usr/sbin/rmmod", "rmmod", "dummy")
                .module(3, UNLOAD_MODULE, "dummy");
        assertThat(g.told()).containsExactly("module.load dummy", "module.unload dummy");
        assertThat(g.only("module.load").detail()).isEqualTo("by modprobe dummy");
    }
}
