package io.changegraph.impact;

import static io.changegraph.repository.model.Verb.CREATE;
import static io.changegraph.repository.model.Verb.RENAME;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecogniseCommandsTest {
    private static RecogniserGraph one(String exe, String... argv) {
        return new RecogniserGraph().process(1, 0, "/usr/bin/bash", "bash", "change.sh").process(2, 1, exe, argv);
    }

    @Test
    void useradd_isUserAddOfTheLastArgument() {
        RecogniserGraph g = one("/usr/sbin/useradd", "useradd", "--system", "--gid", "myapp", "--shell", "/usr/sbin/nologin", "myapp")
                .onMoved(2, RENAME, List.of("/etc/passwd+", "/etc/passwd"), "/etc/passwd");
        assertThat(g.told()).containsExactly("user.add myapp");
        assertThat(g.only("user.add").evidence()).anyMatch(e -> e.endsWith("|rename|" + g.file("/etc/passwd+").id()));
    }

    @Test
    void accountCommands_mapToTheirKinds() {
        RecogniserGraph g = new RecogniserGraph().process(1, 0, "/usr/bin/bash", "bash")
                .process(2, 1, "/usr/sbin/groupadd", "groupadd", "-g", "990", "ops")
                .process(3, 1, "/usr/sbin/usermod", "usermod", "-aG", "ops", "alice")
                .process(4, 1, "/usr/sbin/userdel", "userdel", "-r", "bob")
                .process(5, 1, "/usr/sbin/groupdel", "groupdel", "old")
                .process(6, 1, "/usr/bin/gpasswd", "gpasswd", "-a", "alice", "ops");
        assertThat(g.told()).containsExactly("group.add ops", "group.change ops", "group.remove old", "user.change alice",
                "user.remove bob");
    }

    @Test
    void useraddThatRewroteTheGroupFile_withoutAGroupGiven_alsoAddsTheUsersOwnGroup() {
        RecogniserGraph own = one("/usr/sbin/useradd", "useradd", "-m", "alice")
                .onMoved(2, RENAME, List.of("/etc/group+", "/etc/group"), "/etc/group");
        assertThat(own.told()).containsExactly("group.add alice", "user.add alice");

        RecogniserGraph given = one("/usr/sbin/useradd", "useradd", "-g", "users", "-G", "wheel", "bob")
                .onMoved(2, RENAME, List.of("/etc/group+", "/etc/group"), "/etc/group");
        assertThat(given.told()).containsExactly("user.add bob");

        RecogniserGraph untouched = one("/usr/sbin/useradd", "useradd", "carol")
                .on(2, CREATE, "/etc/group.2").on(2, io.changegraph.repository.model.Verb.UNLINK, "/etc/group.2");
        assertThat(untouched.told()).containsExactly("user.add carol");
    }

    @Test
    void forkChildCarryingTheParentsArgv_isNotASecondCommand() {
        RecogniserGraph g = one("/usr/sbin/groupadd", "groupadd", "--system", "myapp").forkChild(3, 2, 127);
        assertThat(g.only("group.add").processes()).hasSize(1);
    }

    @Test
    void failedCommand_changedNothing() {
        RecogniserGraph g = new RecogniserGraph().process(1, 0, 9, "/usr/sbin/useradd", "useradd", "myapp");
        assertThat(g.behaviours()).isEmpty();
    }

    @Test
    void systemctlEnableNow_isServiceEnableOfEachUnit() {
        assertThat(one("/usr/bin/systemctl", "systemctl", "enable", "--now", "nginx", "redis.service").told())
                .containsExactly("service.enable nginx", "service.enable redis.service");
    }

    @Test
    void systemctlVerbs_mapToServiceKinds_andReadOnlyVerbsToNothing() {
        RecogniserGraph g = new RecogniserGraph().process(1, 0, "/usr/bin/bash", "bash")
                .process(2, 1, "/usr/bin/systemctl", "systemctl", "restart", "nginx")
                .process(3, 1, "/usr/bin/systemctl", "systemctl", "daemon-reload")
                .process(4, 1, "/usr/bin/systemctl", "systemctl", "status", "nginx")
                .process(5, 1, "/usr/bin/systemctl", "systemctl", "--no-pager", "is-active", "nginx")
                .process(6, 1, "/usr/sbin/service", "service", "cron", "reload")
                .process(7, 1, "/usr/bin/systemctl", "systemctl", "mask", "cups");
        assertThat(g.told()).containsExactly("service.disable cups", "service.reload cron", "service.reload systemd",
                "service.restart nginx");
    }

    @Test
    void mountAndUmount_nameTheMountPoint_andAListingIsNothing() {
        RecogniserGraph g = new RecogniserGraph().process(1, 0, "/usr/bin/bash", "bash")
                .process(2, 1, "/usr/bin/mount", "mount", "-t", "tmpfs", "-o", "size=10m", "none", "/mnt/scratch")
                .process(3, 1, "/usr/bin/mount", "mount")
                .process(4, 1, "/usr/bin/umount", "umount", "-l", "/mnt/old");
        assertThat(g.told()).containsExactly("mount /mnt/scratch", "unmount /mnt/old");
    }

    @Test
    void ipAddressAdd_isNetconfChangeOfTheDevice_andShowIsNothing() {
        RecogniserGraph g = new RecogniserGraph().process(1, 0, "/usr/bin/bash", "bash")
                .process(2, 1, "/usr/sbin/ip", "ip", "addr", "add", "10.0.0.2/24", "dev", "eth1")
                .process(3, 1, "/usr/sbin/ip", "ip", "route", "show")
                .process(4, 1, "/usr/sbin/ip", "ip", "link", "set", "eth1", "up")
                .process(5, 1, "/usr/bin/nmcli", "nmcli", "connection", "up", "office")
                .process(6, 1, "/usr/sbin/ifconfig", "ifconfig", "eth2")
                .process(7, 1, "/usr/sbin/route", "route", "add", "default", "gw", "10.0.0.1")
                .process(8, 1, "/usr/sbin/ifup", "ifup", "eth3");
        assertThat(g.told()).containsExactly("netconf.change eth1", "netconf.change eth3", "netconf.change ip",
                "netconf.change office", "netconf.change routes");
    }

    @Test
    void firewallCommands_thatChangeRules_areFirewallChange_andListingsAreNothing() {
        RecogniserGraph g = new RecogniserGraph().process(1, 0, "/usr/bin/bash", "bash")
                .process(2, 1, "/usr/sbin/iptables", "iptables", "-A", "INPUT", "-p", "tcp", "--dport", "22", "-j", "ACCEPT")
                .process(3, 1, "/usr/sbin/iptables", "iptables", "-L", "-n")
                .process(4, 1, "/usr/sbin/nft", "nft", "list", "ruleset")
                .process(5, 1, "/usr/sbin/nft", "nft", "add", "rule", "inet", "filter", "input", "drop")
                .process(6, 1, "/usr/sbin/ufw", "ufw", "status")
                .process(7, 1, "/usr/sbin/ufw", "ufw", "allow", "22/tcp");
        assertThat(g.told()).containsExactly("firewall.change iptables", "firewall.change nftables", "firewall.change ufw");
    }

    @Test
    void commandDetail_isItsCommandLine() {
        RecogniserGraph g = one("/usr/sbin/groupadd", "groupadd", "--system", "myapp").on(2, CREATE, "/etc/group.2");
        assertThat(g.only("group.add").detail()).isEqualTo("groupadd --system myapp");
    }
}
