package io.changegraph.monitor;

import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static io.changegraph.monitor.Fixtures.event;
import static io.changegraph.monitor.Fixtures.file;
import static io.changegraph.monitor.Fixtures.ipv4;
import static io.changegraph.monitor.Fixtures.module;
import static io.changegraph.monitor.Fixtures.outsider;
import static io.changegraph.monitor.Fixtures.process;
import static org.assertj.core.api.Assertions.assertThat;

/** Every rule shipped in rules.yaml fires on its behaviour and stays quiet on a close look-alike. */
class DefaultRulesTest {
    private static final Set<String> TESTED = Set.of("system-file-delete", "system-file-rename", "credentials-write",
            "setuid-chmod", "world-writable-chmod", "kernel-module", "signal-init", "signal-outside-session",
            "scheduler-edit", "firewall-flush", "shell-history-delete", "mass-delete", "write-then-exec",
            "outbound-connect", "secret-read-then-connect", "account-change", "authorized-keys-write",
            "authorized-keys-own", "download-exec", "package-change", "setuid-package");   // package-change: BehaviourRulesTest

    private static RuleSet rules;
    private final ProcessNode shell = process(100, 1, "/usr/bin/bash", 0, "bash", "-l");
    private final ProcessNode rm = process(101, 100, "/usr/bin/rm", 0, "rm", "/etc/cg-test");
    private final ProcessNode child = process(102, 100, "/usr/bin/sleep", 0, "sleep", "100");

    @BeforeAll
    static void load() throws RulesException {
        rules = RuleSet.load(Fixtures.shippedRules());
    }

    /** The ids of the rules that fired on any of the events, replayed in order through one session. */
    private Set<String> fired(Event... events) {
        return fired(new Fixtures.Tree("s1", shell, rm, child), events);
    }

    private static Set<String> fired(SessionContext context, Event... events) {
        RuleEngine engine = new RuleEngine(rules.rules());
        Set<String> out = new LinkedHashSet<>();
        for (Event e : events) {
            engine.evaluate(e, context).forEach(hit -> out.add(hit.rule().id()));
        }
        return out;
    }

    @Test
    void shippedRules_eachHasTests() {
        assertThat(rules.ids()).containsExactlyInAnyOrderElementsOf(TESTED);
    }

    @Test
    void systemFileDelete_rmUnderEtc_fires_butNotUnderTmpOrDpkg() {
        assertThat(fired(event(rm, Verb.UNLINK, file("/etc/cg-test")))).containsExactly("system-file-delete");
        assertThat(fired(event(rm, Verb.UNLINK, file("/tmp/cg-work/etc/app1/app.conf")))).isEmpty();
        ProcessNode dpkg = process(110, 100, "/usr/bin/dpkg", 0, "dpkg", "-i", "x.deb");
        ProcessNode script = process(111, 110, "/usr/bin/sh", 0, "sh", "postinst");
        assertThat(fired(new Fixtures.Tree("s1", shell, dpkg, script),
                event(script, Verb.UNLINK, file("/etc/x.conf")))).isEmpty();
    }

    @Test
    void systemFileRename_mvUnderEtc_fires_butNotInHome() {
        assertThat(fired(event(0, rm, Verb.RENAME, file("/etc/app.conf"), "/etc/app.conf.old")))
                .containsExactly("system-file-rename");
        assertThat(fired(event(0, rm, Verb.RENAME, file("/home/u/a"), "/home/u/b"))).isEmpty();
    }

    @Test
    void credentialsWrite_shadowWriteAndSedOverPasswd_fire_butKnownHostsDoesNot() {
        assertThat(fired(event(rm, Verb.WRITE, file("/etc/shadow")))).containsExactly("credentials-write");
        assertThat(fired(event(0, rm, Verb.RENAME, file("/etc/sedX1b2c3"), "/etc/passwd")))
                .contains("credentials-write");
        assertThat(fired(event(rm, Verb.WRITE, file("/etc/sudoers.d/90-evil")))).containsExactly("credentials-write");
        assertThat(fired(event(rm, Verb.WRITE, file("/root/.ssh/known_hosts")))).isEmpty();
        assertThat(fired(event(rm, Verb.READ, file("/etc/passwd")))).isEmpty();
    }

    /** What useradd and groupadd do (recorded on a real deploy): lock, pid-suffixed link, +-copy renamed over. */
    @Test
    void useradd_lockTempAndBackupFiles_raiseNothingCritical_butItsExecIsInfo() {
        ProcessNode useradd = process(140, 100, "/usr/sbin/useradd", 0, "useradd", "--system", "myapp");
        Fixtures.Tree tree = new Fixtures.Tree("s1", shell, useradd);
        Set<String> rulesFired = fired(tree,
                event(0, useradd, Verb.EXEC, file("/usr/sbin/useradd"), null),
                event(0.1, useradd, Verb.CREATE, file("/etc/passwd.140"), null),
                event(0.1, useradd, Verb.LINK, file("/etc/passwd.140"), "/etc/passwd.lock"),
                event(0.1, useradd, Verb.UNLINK, file("/etc/passwd.140"), null),
                event(0.1, useradd, Verb.CREATE, file("/etc/.pwd.lock"), null),
                event(0.2, useradd, Verb.CREATE, file("/etc/passwd+"), null),
                event(0.2, useradd, Verb.WRITE, file("/etc/passwd+"), null),
                event(0.2, useradd, Verb.RENAME, file("/etc/passwd+"), "/etc/passwd"),
                event(0.2, useradd, Verb.UNLINK, file("/etc/passwd-"), null),
                event(0.2, useradd, Verb.RENAME, file("/etc/shadow+"), "/etc/shadow"),
                event(0.3, useradd, Verb.UNLINK, file("/etc/passwd.lock"), null),
                event(0.3, useradd, Verb.UNLINK, file("/etc/gshadow.lock"), null));
        assertThat(rulesFired).containsExactly("account-change");
    }

    @Test
    void systemFileDelete_shadowUtilsNamesAreExempt_butAPasswdLookAlikeIsNot() {
        assertThat(fired(event(rm, Verb.UNLINK, file("/etc/passwd.4481")))).isEmpty();
        assertThat(fired(event(rm, Verb.UNLINK, file("/etc/shadow+")))).isEmpty();
        assertThat(fired(event(rm, Verb.UNLINK, file("/etc/passwd.d/x")))).containsExactly("system-file-delete");
        assertThat(fired(event(rm, Verb.UNLINK, file("/etc/passwd.evil")))).containsExactly("system-file-delete");
    }

    @Test
    void systemFileRename_sedInPlace_isNot_butMvOverAConfigIs() {
        ProcessNode sed = process(150, 100, "/usr/bin/sed", 0, "sed", "-i", "s/a/b/", "/etc/myapp/myapp.conf");
        ProcessNode mv = process(151, 100, "/usr/bin/mv", 0, "mv", "/tmp/x", "/etc/myapp/myapp.conf");
        assertThat(fired(new Fixtures.Tree("s1", shell, sed),
                event(0, sed, Verb.RENAME, file("/etc/myapp/sed3EnS15"), "/etc/myapp/myapp.conf"))).isEmpty();
        assertThat(fired(new Fixtures.Tree("s1", shell, mv),
                event(0, mv, Verb.RENAME, file("/tmp/x"), "/etc/myapp/myapp.conf"))).containsExactly("system-file-rename");
    }

    @Test
    void credentialsWrite_byUseradd_isRoutine_butEchoIntoPasswdIsCritical() {
        ProcessNode useradd = process(140, 100, "/usr/sbin/useradd", 0, "useradd", "bob");
        assertThat(fired(new Fixtures.Tree("s1", shell, useradd), event(useradd, Verb.WRITE, file("/etc/passwd"))))
                .isEmpty();
        assertThat(fired(event(shell, Verb.WRITE, file("/etc/passwd")))).containsExactly("credentials-write");
    }

    @Test
    void authorizedKeys_writtenByRootForAnotherUser_isCritical_byTheUserThemselvesAWarning() {
        assertThat(fired(event(rm, Verb.WRITE, file("/home/bob/.ssh/authorized_keys"))))
                .containsExactly("authorized-keys-write");
        ProcessNode bob = process(160, 100, "/usr/bin/tee", 1001, "tee", "-a", "/home/bob/.ssh/authorized_keys");
        assertThat(fired(new Fixtures.Tree("s1", shell, bob), event(bob, Verb.WRITE,
                file("/home/bob/.ssh/authorized_keys")))).containsExactly("authorized-keys-own");
    }

    @Test
    void setuidChmod_4755_fires_but0755DoesNot() {
        assertThat(fired(event(0, rm, Verb.CHMOD, file("/usr/local/bin/x"), "4755"))).containsExactly("setuid-chmod");
        assertThat(fired(event(0, rm, Verb.CHMOD, file("/usr/local/bin/x"), "0755"))).isEmpty();
    }

    @Test
    void setuid_installedByDpkg_isAWarning_notCritical() {
        ProcessNode dpkg = process(110, 100, "/usr/bin/dpkg", 0, "dpkg", "-i", "sudo.deb");
        assertThat(fired(new Fixtures.Tree("s1", shell, dpkg),
                event(0, dpkg, Verb.CHMOD, file("/usr/bin/sudo.dpkg-new"), "4755"))).containsExactly("setuid-package");
    }

    @Test
    void worldWritableChmod_0777_fires_butStickyOrPrivateDoesNot() {
        assertThat(fired(event(0, rm, Verb.CHMOD, file("/srv/data"), "0777"))).containsExactly("world-writable-chmod");
        assertThat(fired(event(0, rm, Verb.CHMOD, file("/srv/shared"), "1777"))).isEmpty();
        assertThat(fired(event(0, rm, Verb.CHMOD, file("/tmp/cg-work/etc/app1/app.conf"), "0600"))).isEmpty();
    }

    @Test
    void kernelModule_load_fires_butReadingKoFileDoesNot() {
        assertThat(fired(event(rm, Verb.LOAD_MODULE, module("nf_tables")))).containsExactly("kernel-module");
        assertThat(fired(event(rm, Verb.UNLOAD_MODULE, module("nf_tables")))).containsExactly("kernel-module");
        assertThat(fired(event(rm, Verb.READ, file("/lib/modules/nf_tables.ko")))).isEmpty();
    }

    @Test
    void signalInit_termToPid1_fires_butKillZeroDoesNot() {
        ProcessNode init = outsider(1, "/sbin/init");
        assertThat(fired(event(0, rm, Verb.SIGNAL, init, "SIGTERM"))).containsExactly("signal-init");
        assertThat(fired(event(0, rm, Verb.SIGNAL, init, "0"))).isEmpty();
    }

    @Test
    void signalOutsideSession_killOfOtherProcess_fires_butOwnChildDoesNot() {
        assertThat(fired(event(0, rm, Verb.SIGNAL, outsider(4242, "/usr/sbin/sshd"), "SIGKILL")))
                .containsExactly("signal-outside-session");
        assertThat(fired(event(0, shell, Verb.SIGNAL, child, "SIGTERM"))).isEmpty();
    }

    @Test
    void schedulerEdit_crontabAndUnitFile_fire_butHostsDoesNot() {
        assertThat(fired(event(rm, Verb.WRITE, file("/var/spool/cron/crontabs/root")))).containsExactly("scheduler-edit");
        assertThat(fired(event(rm, Verb.CREATE, file("/etc/systemd/system/evil.service"))))
                .containsExactly("scheduler-edit");
        assertThat(fired(event(rm, Verb.WRITE, file("/etc/hosts")))).isEmpty();
    }

    @Test
    void firewallFlush_iptablesF_fires_butListingDoesNot() {
        ProcessNode flush = process(120, 100, "/usr/sbin/iptables", 0, "iptables", "-F");
        ProcessNode nft = process(121, 100, "/usr/sbin/nft", 0, "nft", "flush", "ruleset");
        ProcessNode list = process(122, 100, "/usr/sbin/iptables", 0, "iptables", "-L", "-n");
        assertThat(fired(event(flush, Verb.EXEC, file("/usr/sbin/iptables")))).containsExactly("firewall-flush");
        assertThat(fired(event(nft, Verb.EXEC, file("/usr/sbin/nft")))).containsExactly("firewall-flush");
        assertThat(fired(event(list, Verb.EXEC, file("/usr/sbin/iptables")))).isEmpty();
    }

    @Test
    void shellHistoryDelete_unlinkAndSymlinkToDevNull_fire_butBashrcDoesNot() {
        assertThat(fired(event(rm, Verb.UNLINK, file("/root/.bash_history")))).containsExactly("shell-history-delete");
        assertThat(fired(event(0, rm, Verb.SYMLINK, file("/root/.bash_history"), "/dev/null")))
                .containsExactly("shell-history-delete");
        assertThat(fired(event(rm, Verb.UNLINK, file("/root/.bashrc")))).isEmpty();
    }

    @Test
    void massDelete_101In5s_fires_but100Or1PerSecondDoesNot() {
        assertThat(fired(deletes(101, 0.05, false))).containsExactly("mass-delete");
        assertThat(fired(deletes(100, 0.05, false))).isEmpty();
        assertThat(fired(deletes(150, 1.0, false))).isEmpty();
    }

    @Test
    void massDelete_refusedDeletes_doNotCount() {
        assertThat(fired(deletes(500, 0.001, true))).isEmpty();
    }

    private Event[] deletes(int n, double spacingSeconds, boolean refused) {
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Event.once(Fixtures.T0.plusNanos((long) (i * spacingSeconds * 1e9)), rm,
                    refused ? Verb.RMDIR : Verb.UNLINK, file("/tmp/cg-work/f" + i), refused, null));
        }
        return out.toArray(Event[]::new);
    }

    @Test
    void writeThenExec_sameFile_fires_butOtherFileOrPlainExecDoesNot() {
        ProcessNode run = process(130, 100, "/tmp/x", 0, "/tmp/x");
        assertThat(fired(event(0, rm, Verb.WRITE, file("/tmp/x"), null), event(1, run, Verb.EXEC, file("/tmp/x"), null)))
                .containsExactly("write-then-exec");
        assertThat(fired(event(0, rm, Verb.WRITE, file("/tmp/y"), null), event(1, run, Verb.EXEC, file("/tmp/x"), null)))
                .isEmpty();
        assertThat(fired(event(1, child, Verb.EXEC, file("/usr/bin/sleep"), null))).isEmpty();
    }

    @Test
    void outboundConnect_port4444_fires_butHttpsAndLoopbackDoNot() {
        assertThat(fired(event(rm, Verb.CONNECT, ipv4("203.0.113.5", 4444)))).containsExactly("outbound-connect");
        assertThat(fired(event(rm, Verb.CONNECT, ipv4("203.0.113.5", 443)))).isEmpty();
        assertThat(fired(event(rm, Verb.CONNECT, ipv4("127.0.0.1", 8080)))).isEmpty();
    }

    @Test
    void secretReadThenConnect_shellReadsShadowThenItsChildConnects_fires_butConnectAloneOrMuchLaterDoesNot() {
        Event read = event(0, shell, Verb.READ, file("/etc/shadow"), null);
        assertThat(fired(read, event(5, child, Verb.CONNECT, ipv4("203.0.113.5", 443), null)))
                .containsExactly("secret-read-then-connect");
        assertThat(fired(read, event(5, shell, Verb.CONNECT, ipv4("203.0.113.5", 443), null)))
                .containsExactly("secret-read-then-connect");
        assertThat(fired(event(5, child, Verb.CONNECT, ipv4("203.0.113.5", 443), null))).isEmpty();
        assertThat(fired(read, event(700, child, Verb.CONNECT, ipv4("203.0.113.5", 443), null))).isEmpty();
    }

    /** The false alert of a real deploy: useradd read /etc/shadow, apt (its sibling) connected out. */
    @Test
    void secretReadThenConnect_siblingsReadAndConnect_doesNotFire() {
        ProcessNode useradd = process(140, 100, "/usr/sbin/useradd", 0, "useradd", "myapp");
        ProcessNode apt = process(141, 100, "/usr/bin/apt-get", 0, "apt-get", "update");
        assertThat(fired(new Fixtures.Tree("s1", shell, useradd, apt),
                event(0, useradd, Verb.READ, file("/etc/shadow"), null),
                event(1, apt, Verb.CONNECT, ipv4("203.0.113.5", 443), null))).isEmpty();
    }

    @Test
    void downloadExec_curlWritesAScriptThenItRuns_isCritical_butACompiledFileIsOnlyAWarning() {
        ProcessNode curl = process(170, 100, "/usr/bin/curl", 0, "curl", "-o", "/tmp/x.sh", "http://127.0.0.1:8000/x.sh");
        ProcessNode run = process(171, 100, "/tmp/x.sh", 0, "/tmp/x.sh");
        ProcessNode cc = process(172, 100, "/usr/bin/ld", 0, "ld", "-o", "/tmp/a.out");
        ProcessNode aout = process(173, 100, "/tmp/a.out", 0, "/tmp/a.out");
        assertThat(fired(new Fixtures.Tree("s1", shell, curl, run),
                event(0, curl, Verb.WRITE, file("/tmp/x.sh"), null),
                event(1, run, Verb.EXEC, file("/tmp/x.sh"), null)))
                .containsExactlyInAnyOrder("download-exec", "write-then-exec");
        assertThat(fired(new Fixtures.Tree("s1", shell, cc, aout),
                event(0, cc, Verb.WRITE, file("/tmp/a.out"), null),
                event(1, aout, Verb.EXEC, file("/tmp/a.out"), null))).containsExactly("write-then-exec");
    }
}
