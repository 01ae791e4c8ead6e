package io.changegraph.consumer;

import static io.changegraph.consumer.Records.only;
import static io.changegraph.consumer.Records.syscall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Paths resolved through the per-process cwd and fd tables. */
class PathsAndFdTablesTest extends SeededShellTest {
    private static final int CHILD = 101;
    private static final int AT_FDCWD = -100;
    private static final int O_WRONLY = 1;
    private static final int O_CREAT = 0100;
    private static final int O_TRUNC = 01000;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_CLOEXEC = 02000000;
    private static final int S_IFREG = 0100000;

    private void openat(int tgid, int dirfd, String path, int flags, int fd) {
        consumer.accept(syscall(tgid, Op.OPENAT).args(dirfd, 0, flags).str1(path).ret(fd).build());
    }

    private Event lastEvent() {
        return events.getLast();
    }

    private void write(int tgid, int fd, long bytes) {
        consumer.accept(Records.io(tgid, fd, S_IFREG, 0, 0, 0, 1, bytes));
    }

    @Test
    void open_relativePath_isResolvedAgainstTheCwd() {
        openat(SHELL, AT_FDCWD, "./notes/../todo.txt", 0, 3);

        assertThat(lastEvent().verb()).isEqualTo(Verb.OPEN);
        assertThat(lastEvent().object()).isEqualTo(FileRef.of("/home/u/todo.txt"));
        assertThat(lastEvent().detail()).isEqualTo("read");
    }

    @Test
    void open_afterChdir_isRelativeToTheNewCwd() {
        consumer.accept(syscall(SHELL, Op.CHDIR).str1("../../etc").build());
        consumer.accept(syscall(SHELL, Op.OPEN).args(0, O_WRONLY | O_CREAT | O_TRUNC).str1("app.conf").ret(3).build());

        assertThat(lastEvent().verb()).isEqualTo(Verb.CREATE);
        assertThat(lastEvent().object()).isEqualTo(FileRef.of("/etc/app.conf"));
        assertThat(lastEvent().detail()).isEqualTo("write,create,truncate");
        assertThat(consumer.process(SHELL).orElseThrow().cwd()).isEqualTo("/etc");
    }

    @Test
    void chdir_failed_keepsTheCwdAndEmitsNothing() {
        consumer.accept(syscall(SHELL, Op.CHDIR).str1("/nonexistent").ret(-2).build());
        openat(SHELL, AT_FDCWD, "x", 0, 3);

        assertThat(events).hasSize(1);
        assertThat(lastEvent().object()).isEqualTo(FileRef.of("/home/u/x"));
    }

    @Test
    void openat_withADirfdOpenedEarlier_isRelativeToThatDirectory() {
        openat(SHELL, AT_FDCWD, "/var/lib/app", O_DIRECTORY, 5);
        openat(SHELL, 5, "state/db", O_WRONLY, 6);

        assertThat(events.getFirst().detail()).isEqualTo("read,directory");
        assertThat(lastEvent().object()).isEqualTo(FileRef.of("/var/lib/app/state/db"));
        assertThat(lastEvent().detail()).isEqualTo("write");
    }

    @Test
    void openat_withAnUnknownDirfd_isVisiblyUnresolved() {
        openat(SHELL, 9, "../state/db", 0, 6);

        assertThat(lastEvent().object()).isEqualTo(new FileRef("<unresolved fd 9>/../state/db", 0, false));
    }

    @Test
    void open_truncatedPath_isMarkedAndUnresolved() {
        consumer.accept(syscall(SHELL, Op.OPEN).str1("/very/long/pa").flags(WireLayouts.F_STR1_TRUNCATED).ret(3)
                .build());

        assertThat(lastEvent().object()).isEqualTo(new FileRef("/very/long/pa…[truncated]", 0, false));
    }

    @Test
    void open_inodeReported_isPassedInTheFileRef() {
        consumer.accept(syscall(SHELL, Op.OPEN).str1("/etc/passwd").inode(4242).ret(3).build());

        assertThat(lastEvent().object()).isEqualTo(new FileRef("/etc/passwd", 4242, true));
    }

    @Test
    void open_failed_isAFailedEventAndLeavesTheFdUnknown() {
        consumer.accept(syscall(SHELL, Op.OPEN).args(0, O_WRONLY).str1("/etc/shadow").ret(-13).build());
        write(SHELL, -13, 10);

        assertThat(events).hasSize(2);
        assertThat(events.getFirst().failed()).isEqualTo(1);
        assertThat(events.getFirst().object()).isEqualTo(FileRef.of("/etc/shadow"));
        // fd -13 was never installed: the write is on an fd the tool does not know
        assertThat(lastEvent().object()).isEqualTo(new FileRef("<unresolved fd -13 inode 0>", 0, false));
    }

    @Test
    void creat_isCreateWriteTruncate() {
        consumer.accept(syscall(SHELL, Op.CREAT).args(0, 0644).str1("out.log").ret(3).build());

        assertThat(lastEvent().verb()).isEqualTo(Verb.CREATE);
        assertThat(lastEvent().detail()).isEqualTo("write,create,truncate");
        assertThat(lastEvent().object()).isEqualTo(FileRef.of("/home/u/out.log"));
    }

    @Test
    void fork_childInheritsFdsAndCwd() {
        consumer.accept(syscall(SHELL, Op.CHDIR).str1("/srv").build());
        openat(SHELL, AT_FDCWD, "data.csv", O_WRONLY, 4);
        consumer.accept(Records.fork(SHELL, CHILD));
        write(CHILD, 4, 100);
        openat(CHILD, AT_FDCWD, "other.csv", 0, 5);

        Event spawn = only(events, Verb.SPAWN).getFirst();
        ProcessNode child = (ProcessNode) spawn.object();
        assertThat(spawn.subject().pid()).isEqualTo(SHELL);
        assertThat(child.pid()).isEqualTo(CHILD);
        assertThat(child.ppid()).isEqualTo(SHELL);
        assertThat(child.startNs()).isEqualTo(Records.BOOT_NS + CHILD);
        assertThat(child.cwd()).isEqualTo("/srv");
        assertThat(child.exe()).isEqualTo("/bin/bash");
        assertThat(child.followed()).isTrue();
        assertThat(child.started()).isEqualTo(spawn.time());
        Event written = only(events, Verb.WRITE).getFirst();
        assertThat(written.subject().pid()).isEqualTo(CHILD);
        assertThat(written.object()).isEqualTo(FileRef.of("/srv/data.csv"));
        assertThat(written.bytes()).isEqualTo(100);
        assertThat(lastEvent().object()).isEqualTo(FileRef.of("/srv/other.csv"));
    }

    @Test
    void fork_childTableIsACopy_parentClosesWithoutAffectingTheChild() {
        openat(SHELL, AT_FDCWD, "/tmp/shared", O_WRONLY, 4);
        consumer.accept(Records.fork(SHELL, CHILD));
        consumer.accept(syscall(SHELL, Op.CLOSE).args(4).build());
        openat(SHELL, AT_FDCWD, "/tmp/parent-only", O_WRONLY, 4);
        write(CHILD, 4, 1);

        assertThat(lastEvent().object()).isEqualTo(FileRef.of("/tmp/shared"));
    }

    @Test
    void dup2_thenWriteThroughTheNewFd_isAttributedToTheOriginalFile() {
        openat(SHELL, AT_FDCWD, "/var/log/app.log", O_WRONLY, 3);
        consumer.accept(syscall(SHELL, Op.DUP2).args(3, 1).ret(1).build());
        consumer.accept(syscall(SHELL, Op.CLOSE).args(3).build());
        write(SHELL, 1, 42);

        assertThat(lastEvent().verb()).isEqualTo(Verb.WRITE);
        assertThat(lastEvent().object()).isEqualTo(FileRef.of("/var/log/app.log"));
        assertThat(lastEvent().bytes()).isEqualTo(42);
    }

    @Test
    void dupAndFcntlDupfd_copyTheFd() {
        openat(SHELL, AT_FDCWD, "/data/a", O_WRONLY, 3);
        consumer.accept(syscall(SHELL, Op.DUP).args(3).ret(7).build());
        consumer.accept(syscall(SHELL, Op.FCNTL).args(3, 1030, 10).ret(10).build());
        write(SHELL, 7, 1);
        write(SHELL, 10, 2);

        assertThat(only(events, Verb.WRITE)).extracting(Event::object)
                .containsExactly(FileRef.of("/data/a"), FileRef.of("/data/a"));
    }

    @Test
    void exec_closesCloexecFds_andKeepsTheOthers() {
        openat(SHELL, AT_FDCWD, "/tmp/keep", O_WRONLY, 3);
        openat(SHELL, AT_FDCWD, "/tmp/drop", O_WRONLY | O_CLOEXEC, 4);
        openat(SHELL, AT_FDCWD, "/tmp/dup3", O_WRONLY, 5);
        consumer.accept(syscall(SHELL, Op.DUP3).args(5, 6, O_CLOEXEC).ret(6).build());
        openat(SHELL, AT_FDCWD, "/tmp/setfd", O_WRONLY, 7);
        consumer.accept(syscall(SHELL, Op.FCNTL).args(7, 2, 1).build());
        consumer.accept(Records.exec(SHELL, "/usr/bin/tool", List.of("tool")));
        events.clear();
        for (int fd = 3; fd <= 7; fd++) {
            consumer.accept(Records.io(SHELL, fd, S_IFREG, 900 + fd, 0, 0, 1, 1));
        }

        assertThat(events).extracting(Event::object).containsExactly(
                new FileRef("/tmp/keep", 903, true),
                new FileRef("<unresolved fd 4 inode 904>", 904, false),
                new FileRef("/tmp/dup3", 905, true),
                new FileRef("<unresolved fd 6 inode 906>", 906, false),
                new FileRef("<unresolved fd 7 inode 907>", 907, false));
    }

    @Test
    void closeRange_closesTheRange_orOnlySetsCloexec() {
        openat(SHELL, AT_FDCWD, "/a", O_WRONLY, 3);
        openat(SHELL, AT_FDCWD, "/b", O_WRONLY, 4);
        openat(SHELL, AT_FDCWD, "/c", O_WRONLY, 5);
        consumer.accept(syscall(SHELL, Op.CLOSE_RANGE).args(5, 0xffff_ffffL, 4).build());   // CLOEXEC only
        consumer.accept(syscall(SHELL, Op.CLOSE_RANGE).args(4, 4, 0).build());
        consumer.accept(Records.exec(SHELL, "/bin/true", List.of("true")));
        events.clear();
        for (int fd = 3; fd <= 5; fd++) {
            consumer.accept(Records.io(SHELL, fd, S_IFREG, 0, 0, 0, 1, 1));
        }

        assertThat(events).extracting(Event::object).extracting(o -> ((FileRef) o).path())
                .containsExactly("/a", "<unresolved fd 4 inode 0>", "<unresolved fd 5 inode 0>");
    }

    @Test
    void fchdir_toAnOpenDirectory_changesTheCwd_elseTheCwdIsUnresolved() {
        openat(SHELL, AT_FDCWD, "/opt/app", O_DIRECTORY, 3);
        consumer.accept(syscall(SHELL, Op.FCHDIR).args(3).build());
        openat(SHELL, AT_FDCWD, "bin/run", 0, 4);
        consumer.accept(syscall(SHELL, Op.FCHDIR).args(42).build());
        openat(SHELL, AT_FDCWD, "bin/run", 0, 5);

        assertThat(events.get(1).object()).isEqualTo(FileRef.of("/opt/app/bin/run"));
        assertThat(lastEvent().object()).isEqualTo(new FileRef("<unresolved cwd>/bin/run", 0, false));
    }

    @Test
    void rename_objectIsTheOldPath_detailTheNewResolvedPath() {
        openat(SHELL, AT_FDCWD, "/etc", O_DIRECTORY, 3);
        consumer.accept(syscall(SHELL, Op.RENAMEAT2).args(AT_FDCWD, 0, 3, 0, 0).str1("sedAbC12").str2("hosts")
                .build());

        assertThat(lastEvent().verb()).isEqualTo(Verb.RENAME);
        assertThat(lastEvent().object()).isEqualTo(FileRef.of("/home/u/sedAbC12"));
        assertThat(lastEvent().detail()).isEqualTo("/etc/hosts");
    }

    @Test
    void unlinkatWithRemovedir_isRmdir_andUnlinkIsUnlink() {
        consumer.accept(syscall(SHELL, Op.UNLINKAT).args(AT_FDCWD, 0, 0x200).str1("build").build());
        consumer.accept(syscall(SHELL, Op.UNLINK).str1("/tmp/x").ret(-1).build());

        assertThat(events).extracting(Event::verb, Event::object, Event::failed).containsExactly(
                tuple(Verb.RMDIR, FileRef.of("/home/u/build"), 0L),
                tuple(Verb.UNLINK, FileRef.of("/tmp/x"), 1L));
    }

    @Test
    void modeAndOwnerDetails_areOctalAndUidGid() {
        consumer.accept(syscall(SHELL, Op.FCHMODAT).args(AT_FDCWD, 0, 04755).str1("/usr/local/bin/su").build());
        consumer.accept(syscall(SHELL, Op.MKDIR).args(0, 0700).str1("secret").build());
        consumer.accept(syscall(SHELL, Op.FCHOWNAT).args(AT_FDCWD, 0, 0, 0xffff_ffffL, 0).str1("/etc/sudoers")
                .build());
        openat(SHELL, AT_FDCWD, "/etc/ssh/key", 0, 3);
        consumer.accept(syscall(SHELL, Op.FCHMOD).args(3, 0600).build());

        assertThat(events).extracting(Event::verb, Event::detail).containsExactly(
                tuple(Verb.CHMOD, "4755"),
                tuple(Verb.MKDIR, "0700"),
                tuple(Verb.CHOWN, "0:-1"),
                tuple(Verb.OPEN, "read"),
                tuple(Verb.CHMOD, "0600"));
        assertThat(lastEvent().object()).isEqualTo(FileRef.of("/etc/ssh/key"));
    }

    @Test
    void linkAndSymlink_objectIsTheNewName() {
        consumer.accept(syscall(SHELL, Op.LINK).str1("/etc/passwd").str2("copy").build());
        consumer.accept(syscall(SHELL, Op.SYMLINKAT).args(0, AT_FDCWD).str1("../lib/x.so").str2("lib/y.so").build());

        assertThat(events).extracting(Event::verb, Event::object, Event::detail).containsExactly(
                tuple(Verb.LINK, FileRef.of("/home/u/copy"), "/etc/passwd"),
                tuple(Verb.SYMLINK, FileRef.of("/home/u/lib/y.so"), "../lib/x.so"));
    }

    @Test
    void ioFlush_afterTheCloseThatEndedTheFd_isStillAttributedToTheFile() {
        consumer.accept(syscall(SHELL, Op.OPEN).args(0, O_WRONLY).str1("/var/out").inode(77).ret(3).build());
        consumer.accept(syscall(SHELL, Op.CLOSE).args(3).build());
        consumer.accept(Records.io(SHELL, 3, S_IFREG, 77, 0, 0, 2, 10));

        assertThat(lastEvent().object()).isEqualTo(new FileRef("/var/out", 77, true));
        assertThat(lastEvent().count()).isEqualTo(2);
    }

    @Test
    void ioFlush_whoseInodeDisagreesWithTheTable_isUnresolvedNotMisattributed() {
        consumer.accept(syscall(SHELL, Op.OPEN).args(0, O_WRONLY).str1("/var/new").inode(88).ret(3).build());
        consumer.accept(Records.io(SHELL, 3, S_IFREG, 99, 0, 0, 1, 10));

        assertThat(lastEvent().object()).isEqualTo(new FileRef("<unresolved fd 3 inode 99>", 99, false));
    }

    @Test
    void ioOnSeededTerminal_isReadAndWriteWithCountsAndFailures() {
        MemorySegment io = Records.io(SHELL, 0, 020000, 0, 3, 30, 2, 5);
        io.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.IO_READ_FAILED_AT, 1);
        io.set(ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.IO_WRITE_FAILED_AT, 2);
        consumer.accept(io);

        assertThat(events).extracting(Event::verb, Event::object, Event::count, Event::bytes, Event::failed)
                .containsExactly(tuple(Verb.READ, FileRef.of("/dev/pts/0"), 3L, 30L, 1L),
                        tuple(Verb.WRITE, FileRef.of("/dev/pts/0"), 2L, 5L, 2L));
    }
}
