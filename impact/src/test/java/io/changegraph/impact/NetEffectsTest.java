package io.changegraph.impact;

import static org.assertj.core.api.Assertions.assertThat;

import io.changegraph.repository.model.FileEffect;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The net-effect algebra per path, on recordings built event by event (no root needed). */
class NetEffectsTest {
    private final Story story = new Story();
    private final ProcessNode sh = story.root();

    private static List<FileEffect> effects(GraphDocument doc) {
        return NetEffects.of(new SessionGraph(doc)).all();
    }

    private static FileEffect only(GraphDocument doc, String path) {
        List<FileEffect> at = effects(doc).stream().filter(e -> e.path().equals(path)).toList();
        assertThat(at).as("effects at " + path).hasSize(1);
        return at.getFirst();
    }

    @Test
    void createWriteRenameDelete_leavesNoEffect_andCountsTheTransientPaths() {
        story.write(sh, "/tmp/a.tmp").ok(sh, Verb.RENAME, "/tmp/a.tmp", "/tmp/a").ok(sh, Verb.UNLINK, "/tmp/a");

        NetEffects effects = NetEffects.of(new SessionGraph(story.end()));

        assertThat(effects.all()).isEmpty();
        assertThat(effects.transients()).isEqualTo(2);
    }

    @Test
    void fileWrittenUnderATempNameAndRenamedIntoPlace_isCreated_withTheTempFolded() {
        ProcessNode dpkg = story.run(sh, 200, "dpkg", "-i", "hello.deb");
        story.write(dpkg, "/usr/bin/hello.dpkg-new").ok(dpkg, Verb.CHMOD, "/usr/bin/hello.dpkg-new", "0755")
                .ok(dpkg, Verb.RENAME, "/usr/bin/hello.dpkg-new", "/usr/bin/hello");

        GraphDocument doc = story.end();

        FileEffect hello = only(doc, "/usr/bin/hello");
        assertThat(hello.effect()).isEqualTo("created");
        assertThat(hello.mode()).isEqualTo("0755");
        assertThat(hello.by()).isEqualTo(dpkg.id());
        assertThat(hello.command()).isEqualTo("dpkg -i hello.deb");
        assertThat(hello.transients()).isEqualTo(1);
        assertThat(effects(doc)).extracting(FileEffect::path).containsExactly("/usr/bin/hello");
    }

    @Test
    void renameOverAnExistingFile_isReplacedByTheRenamer() {
        ProcessNode cat = story.run(sh, 150, "cat", "/etc/app.conf");
        story.ok(cat, Verb.OPEN, "/etc/app.conf", "read").ok(cat, Verb.READ, "/etc/app.conf");
        ProcessNode sed = story.run(sh, 200, "sed", "-i", "s/a/b/", "/etc/app.conf");
        story.ok(sed, Verb.OPEN, "/etc/app.conf", "read").ok(sed, Verb.READ, "/etc/app.conf")
                .ok(sed, Verb.CREATE, "/etc/sedX1", "read,write,create").ok(sed, Verb.WRITE, "/etc/sedX1")
                .ok(sed, Verb.CHOWN, "/etc/sedX1", "0:0")
                .ok(sed, Verb.RENAME, "/etc/sedX1", "/etc/app.conf");

        FileEffect conf = only(story.end(), "/etc/app.conf");

        assertThat(conf.effect()).isEqualTo("replaced");
        assertThat(conf.by()).isEqualTo(sed.id());
        assertThat(conf.from()).isNull();
        assertThat(conf.owner()).isEqualTo("0:0");
        assertThat(conf.transients()).isEqualTo(1);
    }

    @Test
    void sedInPlaceWithABackup_replacesTheConfig_andTheOriginalIsRenamedToTheBackup() {
        ProcessNode sed = story.run(sh, 200, "sed", "-i.bak", "s/a/b/", "/etc/app.conf");
        story.ok(sed, Verb.OPEN, "/etc/app.conf", "read").ok(sed, Verb.READ, "/etc/app.conf")
                .ok(sed, Verb.CREATE, "/etc/sedX1", "read,write,create").ok(sed, Verb.WRITE, "/etc/sedX1")
                .ok(sed, Verb.RENAME, "/etc/app.conf", "/etc/app.conf.bak")
                .ok(sed, Verb.RENAME, "/etc/sedX1", "/etc/app.conf");

        GraphDocument doc = story.end();

        assertThat(only(doc, "/etc/app.conf").effect()).isEqualTo("replaced");
        FileEffect backup = only(doc, "/etc/app.conf.bak");
        assertThat(backup.effect()).isEqualTo("renamed");
        assertThat(backup.from()).isEqualTo("/etc/app.conf");
        assertThat(effects(doc)).hasSize(2);
    }

    @Test
    void renamedExistingFile_isRenamedFromItsOldPath_andTheOldPathIsNotListedAgain() {
        ProcessNode mv = story.run(sh, 200, "mv", "/srv/a", "/srv/b");
        story.ok(mv, Verb.RENAME, "/srv/a", "/srv/b");

        GraphDocument doc = story.end();

        assertThat(effects(doc)).extracting(FileEffect::path, FileEffect::effect, FileEffect::from)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("/srv/b", "renamed", "/srv/a"));
    }

    @Test
    void existingFileDeleted_isDeletedByTheUnlinker_andADirectoryIsRmdir() {
        ProcessNode rm = story.run(sh, 200, "rm", "-r", "/srv/old");
        story.ok(rm, Verb.UNLINK, "/srv/old/file").ok(rm, Verb.RMDIR, "/srv/old");

        GraphDocument doc = story.end();

        assertThat(only(doc, "/srv/old/file").effect()).isEqualTo("deleted");
        assertThat(only(doc, "/srv/old/file").by()).isEqualTo(rm.id());
        assertThat(only(doc, "/srv/old").effect()).isEqualTo("rmdir");
    }

    @Test
    void pathDeletedAndMadeAgain_isReplacedByTheMaker() {
        story.ok(sh, Verb.OPEN, "/etc/motd", "read").ok(sh, Verb.UNLINK, "/etc/motd");
        ProcessNode tee = story.run(sh, 200, "tee", "/etc/motd");
        story.write(tee, "/etc/motd");

        FileEffect motd = only(story.end(), "/etc/motd");

        assertThat(motd.effect()).isEqualTo("replaced");
        assertThat(motd.by()).isEqualTo(tee.id());
    }

    @Test
    void hardLinkAndSymlink_areLinks_withWhatTheyPointAt() {
        ProcessNode ln = story.run(sh, 200, "ln", "/srv/data", "/srv/data2");
        story.ok(ln, Verb.OPEN, "/srv/data", "read").ok(ln, Verb.LINK, "/srv/data2", "/srv/data")
                .ok(ln, Verb.SYMLINK, "/etc/alternatives/editor", "/usr/bin/vim");

        GraphDocument doc = story.end();

        assertThat(only(doc, "/srv/data2").effect()).isEqualTo("link");
        assertThat(only(doc, "/srv/data2").from()).isEqualTo("/srv/data");
        assertThat(only(doc, "/etc/alternatives/editor").from()).isEqualTo("/usr/bin/vim");
        assertThat(effects(doc)).hasSize(2);
    }

    @Test
    void existingFileWritten_isModifiedByTheLastWriter() {
        ProcessNode first = story.run(sh, 200, "logger1");
        story.ok(first, Verb.OPEN, "/var/log/app.log", "write").ok(first, Verb.WRITE, "/var/log/app.log");
        ProcessNode second = story.run(sh, 201, "logger2");
        story.ok(second, Verb.OPEN, "/var/log/app.log", "write").ok(second, Verb.WRITE, "/var/log/app.log");

        FileEffect log = only(story.end(), "/var/log/app.log");

        assertThat(log.effect()).isEqualTo("modified");
        assertThat(log.by()).isEqualTo(second.id());
    }

    @Test
    void onlyChmodOrChown_isModeOrOwner_andOwnersMergeLeftUnchangedIds() {
        ProcessNode chmod = story.run(sh, 200, "chmod", "u+s", "/usr/local/bin/tool");
        story.ok(chmod, Verb.CHMOD, "/usr/local/bin/tool", "4755");
        ProcessNode chown = story.run(sh, 201, "chown", "app", "/srv/x");
        story.ok(chown, Verb.CHOWN, "/srv/x", "999:-1");
        ProcessNode chgrp = story.run(sh, 202, "chgrp", "app", "/srv/x");
        story.ok(chgrp, Verb.CHOWN, "/srv/x", "-1:995");

        GraphDocument doc = story.end();

        assertThat(only(doc, "/usr/local/bin/tool").effect()).isEqualTo("mode");
        assertThat(only(doc, "/usr/local/bin/tool").mode()).isEqualTo("4755");
        assertThat(only(doc, "/srv/x").effect()).isEqualTo("owner");
        assertThat(only(doc, "/srv/x").owner()).isEqualTo("999:995");
        assertThat(only(doc, "/srv/x").by()).isEqualTo(chgrp.id());
    }

    @Test
    void directoryMadeAndKept_isMkdir_andMadeAndRemoved_isTransient() {
        ProcessNode mkdir = story.run(sh, 200, "mkdir", "-p", "/etc/app");
        story.ok(mkdir, Verb.MKDIR, "/etc/app", "0777").ok(mkdir, Verb.MKDIR, "/tmp/build", "0700")
                .ok(mkdir, Verb.RMDIR, "/tmp/build");

        NetEffects effects = NetEffects.of(new SessionGraph(story.end()));

        assertThat(effects.all()).extracting(FileEffect::path, FileEffect::effect)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("/etc/app", "mkdir"));
        assertThat(effects.transients()).isEqualTo(1);
    }

    @Test
    void failedAttempts_areNotEffects() {
        story.failed(sh, Verb.UNLINK, "/etc/shadow", null).failed(sh, Verb.CREATE, "/etc/ro.conf", "write,create")
                .failed(sh, Verb.MKDIR, "/etc", "0777").failed(sh, Verb.RENAME, "/etc/a", "/etc/b")
                .failed(sh, Verb.CHMOD, "/etc/sudoers", "0777");

        assertThat(effects(story.end())).isEmpty();
    }

    @Test
    void useraddsLockAndTempFiles_foldIntoTheReplacedPasswdFile() {
        ProcessNode useradd = story.run(sh, 4481, "useradd", "app");
        story.ok(useradd, Verb.OPEN, "/etc/passwd", "read").ok(useradd, Verb.READ, "/etc/passwd")
                .write(useradd, "/etc/passwd.4481").ok(useradd, Verb.LINK, "/etc/passwd.lock", "/etc/passwd.4481")
                .ok(useradd, Verb.UNLINK, "/etc/passwd.4481")
                .write(useradd, "/etc/passwd+").ok(useradd, Verb.RENAME, "/etc/passwd+", "/etc/passwd")
                .ok(useradd, Verb.UNLINK, "/etc/passwd.lock");

        NetEffects effects = NetEffects.of(new SessionGraph(story.end()));

        assertThat(effects.all()).extracting(FileEffect::path, FileEffect::effect, FileEffect::transients)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("/etc/passwd", "replaced", 3L));
        assertThat(effects.transients()).isEqualTo(3);
    }

    @Test
    void editorSwapFile_foldsIntoTheEditedFile() {
        ProcessNode vim = story.run(sh, 200, "vim", "/etc/hosts.allow");
        story.ok(vim, Verb.OPEN, "/etc/hosts.allow", "read").ok(vim, Verb.READ, "/etc/hosts.allow")
                .write(vim, "/etc/.hosts.allow.swp")
                .ok(vim, Verb.OPEN, "/etc/hosts.allow", "write,truncate").ok(vim, Verb.WRITE, "/etc/hosts.allow")
                .ok(vim, Verb.UNLINK, "/etc/.hosts.allow.swp");

        FileEffect edited = only(story.end(), "/etc/hosts.allow");

        assertThat(edited.effect()).isEqualTo("modified");
        assertThat(edited.transients()).isEqualTo(1);
    }

    @Test
    void pseudoFilesAndLockFilesAndInheritedOutput_areNotEffects() {
        story.ok(sh, Verb.OPEN, "/dev/null", "write").ok(sh, Verb.WRITE, "/dev/null")
                .ok(sh, Verb.OPEN, "/proc/self/status", "read")
                .ok(sh, Verb.CREATE, "/etc/.pwd.lock", "write,create")
                .ok(sh, Verb.WRITE, "/home/ci/build.log");

        NetEffects effects = NetEffects.of(new SessionGraph(story.end()));

        assertThat(effects.all()).isEmpty();
        assertThat(effects.foldedNodes().values()).containsExactlyInAnyOrder(NoiseClass.LOCK_FILE, NoiseClass.SESSION_OUTPUT);
    }

    @Test
    void writeToProcSys_isAModification() {
        ProcessNode sysctl = story.run(sh, 200, "sysctl", "-w", "net.ipv4.ip_forward=1");
        story.ok(sysctl, Verb.OPEN, "/proc/sys/net/ipv4/ip_forward", "write,truncate")
                .ok(sysctl, Verb.WRITE, "/proc/sys/net/ipv4/ip_forward");

        assertThat(only(story.end(), "/proc/sys/net/ipv4/ip_forward").effect()).isEqualTo("modified");
    }

    @Test
    void effectsCarryTheirEvidence_asNodeIdsAndEdgeKeys() {
        ProcessNode cp = story.run(sh, 200, "cp", "a", "/etc/cron.d/job");
        story.write(cp, "/etc/cron.d/job");

        GraphDocument doc = story.end();
        FileEffect job = only(doc, "/etc/cron.d/job");

        assertThat(job.effect()).isEqualTo("created");
        String node = doc.nodes().stream().filter(n -> n.id().startsWith("f-")
                && ((io.changegraph.repository.model.FileNode) n).path().equals("/etc/cron.d/job")).findFirst().orElseThrow().id();
        assertThat(job.evidence()).contains(node, cp.id() + "|create|" + node, cp.id() + "|write|" + node);
    }
}
