package io.changegraph.consumer;

import static io.changegraph.consumer.Records.syscall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** exec, exit, signals, modules and processes the consumer had not seen. */
class ProcessEventsTest extends SeededShellTest {
    private static final int CHILD = 101;

    @Test
    void exec_relativeFilename_isResolvedAgainstTheCwd_andTheProcessTakesExeArgvUids() {
        consumer.accept(Records.fork(SHELL, CHILD));
        consumer.accept(Records.exec(CHILD, "./bin/../build.sh", List.of("./build.sh", "-j", "4")));

        Event exec = events.getLast();
        assertThat(exec.verb()).isEqualTo(Verb.EXEC);
        assertThat(exec.object()).isEqualTo(FileRef.of("/home/u/build.sh"));
        assertThat(exec.subject()).extracting(ProcessNode::pid, ProcessNode::ppid, ProcessNode::exe,
                ProcessNode::argv, ProcessNode::uid, ProcessNode::euid)
                .containsExactly(CHILD, SHELL, "/home/u/build.sh", List.of("./build.sh", "-j", "4"), 1000, 0);
        assertThat(consumer.process(CHILD)).contains(exec.subject());
    }

    @Test
    void exec_eventTime_isTheKernelTimestampOnTheWallClock() {
        consumer.accept(Records.exec(SHELL, "/bin/ls", List.of("ls")));

        // records are stamped 5 s after the test's monotonic zero, 2026-11-21T20:00:00Z
        assertThat(events.getLast().time()).isEqualTo(Instant.parse("2026-11-21T20:00:05Z"));
    }

    @Test
    void exec_argumentOver1024Chars_isCutWithTheByteCount() {
        String longArg = "x".repeat(1024) + "é".repeat(10);
        consumer.accept(Records.exec(SHELL, "/bin/echo", List.of("echo", longArg)));

        List<String> argv = events.getLast().subject().argv();
        assertThat(argv).hasSize(2);
        assertThat(argv.get(1)).isEqualTo("x".repeat(1024) + "…[+20 bytes]");
    }

    @Test
    void exec_argvBlockTruncatedByTheKernel_marksThePartialArgAndCountsWhatIsMissing() {
        byte[] kept = "tar\0-czf\0/backup/ho".getBytes(StandardCharsets.UTF_8);
        consumer.accept(Records.exec(SHELL, "/bin/tar", kept, kept.length + 5000, true));

        assertThat(events.getLast().subject().argv()).containsExactly("tar", "-czf", "/backup/ho…[truncated]",
                "…[+5000 bytes of arguments not captured]");
    }

    @Test
    void exec_argvTheKernelCouldNotCopy_saysSo() {
        consumer.accept(Records.exec(SHELL, "/bin/tar", new byte[0], 300, false));

        assertThat(events.getLast().subject().argv()).containsExactly("…[+300 bytes of arguments not captured]");
    }

    @Test
    void exec_filenameNotCaptured_isAppliedWithAnUnresolvedExe() {
        consumer.accept(syscall(SHELL, Op.OPENAT).args(-100, 0, 02000000).str1("/tmp/x").ret(3).build());
        byte[] argv = Records.argvBlock(List.of("tool"));
        consumer.accept(Records.execRaw(SHELL, new byte[0], argv, argv.length, false));
        consumer.accept(Records.io(SHELL, 3, 0100000, 0, 0, 0, 1, 1));

        assertThat(events.get(1)).extracting(Event::verb, Event::object)
                .containsExactly(Verb.EXEC, new FileRef("<unresolved exe>", 0, false));
        assertThat(events.get(1).subject().argv()).containsExactly("tool");
        assertThat(events.getLast().object()).isEqualTo(new FileRef("<unresolved fd 3 inode 0>", 0, false));
    }

    @Test
    void exec_emptyArgument_isKept() {
        consumer.accept(Records.exec(SHELL, "/bin/sh", List.of("sh", "-c", "")));

        assertThat(events.getLast().subject().argv()).containsExactly("sh", "-c", "");
    }

    @Test
    void exit_normalStatus_isExitCode() {
        consumer.accept(Records.exit(SHELL, 3 << 8));

        Event exit = events.getLast();
        assertThat(exit.verb()).isEqualTo(Verb.EXIT);
        assertThat(exit.detail()).isEqualTo("exit 3");
        assertThat(exit.subject().exitCode()).isEqualTo(3);
        assertThat(exit.subject().exitSignal()).isNull();
        assertThat(exit.subject().ended()).isEqualTo(exit.time());
        assertThat(exit.object()).isEqualTo(exit.subject());
        assertThat(consumer.process(SHELL)).isEmpty();
    }

    @Test
    void exit_killedBySignal_isExitSignal() {
        consumer.accept(Records.exit(SHELL, 9 | 0x80));   // SIGKILL, core dumped bit set

        Event exit = events.getLast();
        assertThat(exit.detail()).isEqualTo("signal SIGKILL");
        assertThat(exit.subject().exitSignal()).isEqualTo(9);
        assertThat(exit.subject().exitCode()).isNull();
    }

    @Test
    void recordFromAnUnknownProcess_isKeptAndCounted() {
        consumer.accept(Records.exec(555, "/usr/bin/odd", List.of("odd")));
        consumer.accept(syscall(555, Op.UNLINK).str1("/tmp/odd").build());

        assertThat(events).extracting(Event::verb).containsExactly(Verb.EXEC, Verb.UNLINK);
        ProcessNode odd = events.getLast().subject();
        assertThat(odd).extracting(ProcessNode::pid, ProcessNode::ppid, ProcessNode::exe, ProcessNode::followed)
                .containsExactly(555, 0, "/usr/bin/odd", true);
        assertThat(events.getLast().object()).isEqualTo(FileRef.of("/tmp/odd"));
        assertThat(consumer.stats().unknownProcesses()).isEqualTo(1);
        assertThat(consumer.stats().droppedUser()).isZero();
    }

    @Test
    void relativePathOfAnUnknownProcess_isUnresolved() {
        consumer.accept(syscall(556, Op.UNLINK).str1("x").build());

        assertThat(events.getLast().object()).isEqualTo(new FileRef("<unresolved cwd>/x", 0, false));
    }

    @Test
    void kill_ofAProcessOutsideTheTree_namesItWithItsExe() {
        consumer.accept(syscall(SHELL, Op.KILL).args(4321, 15).build());

        Event signal = events.getLast();
        assertThat(signal.verb()).isEqualTo(Verb.SIGNAL);
        assertThat(signal.detail()).isEqualTo("SIGTERM");
        assertThat(signal.object()).isInstanceOfSatisfying(ProcessNode.class, target -> assertThat(target)
                .extracting(ProcessNode::pid, ProcessNode::startNs, ProcessNode::followed, ProcessNode::exe)
                .containsExactly(4321, 0L, false, "/usr/sbin/outside"));
    }

    @Test
    void signals_toFollowedProcessesAndGroups_nameTheTargetAndTheGroup() {
        consumer.accept(Records.fork(SHELL, CHILD));
        consumer.accept(syscall(SHELL, Op.TGKILL).args(CHILD, CHILD, 9).ret(-3).build());
        consumer.accept(syscall(SHELL, Op.KILL).args(-1, 1).build());
        consumer.accept(syscall(SHELL, Op.KILL).args(-CHILD, 0).build());
        consumer.accept(syscall(SHELL, Op.TKILL).args(CHILD, 40).build());

        List<Event> signals = Records.only(events, Verb.SIGNAL);
        assertThat(signals).extracting(e -> ((ProcessNode) e.object()).pid(),
                        e -> ((ProcessNode) e.object()).followed(), Event::detail, Event::failed)
                .containsExactly(tuple(CHILD, true, "SIGKILL", 1L), tuple(1, false, "SIGHUP (all processes)", 0L),
                        tuple(CHILD, true, "0 (process group)", 0L), tuple(CHILD, true, "SIG40", 0L));
    }

    @Test
    void failedExecve_isAFailedExecOfTheResolvedFile_andChangesNothing() {
        consumer.accept(syscall(SHELL, Op.EXECVE).str1("bin/missing").ret(-2).build());

        assertThat(events.getLast()).extracting(Event::verb, Event::object, Event::failed)
                .containsExactly(Verb.EXEC, FileRef.of("/home/u/bin/missing"), 1L);
        assertThat(consumer.process(SHELL).orElseThrow().exe()).isEqualTo("/bin/bash");
    }

    @Test
    void modules_areNamedFromTheKoFileOrTheName_withTheirParams() {
        consumer.accept(syscall(SHELL, Op.OPENAT).args(-100, 0, 02000000)
                .str1("/lib/modules/6.8/kernel/nf-nat.ko.zst").ret(3).build());
        consumer.accept(syscall(SHELL, Op.FINIT_MODULE).args(3, 0, 0).str1("").build());
        consumer.accept(syscall(SHELL, Op.INIT_MODULE).str1("debug=1").build());
        consumer.accept(syscall(SHELL, Op.DELETE_MODULE).str1("nf_nat").ret(-16).build());
        consumer.accept(syscall(SHELL, Op.FINIT_MODULE).args(9, 0, 0).ret(-9).build());

        assertThat(events.subList(1, 5)).extracting(Event::verb, Event::object, Event::failed, Event::detail)
                .containsExactly(
                        tuple(Verb.LOAD_MODULE, new ModuleNode("nf_nat", "/lib/modules/6.8/kernel/nf-nat.ko.zst"), 0L,
                                null),
                        tuple(Verb.LOAD_MODULE, new ModuleNode("<from memory>", ""), 0L, "params debug=1"),
                        tuple(Verb.UNLOAD_MODULE, new ModuleNode("nf_nat", ""), 1L, null),
                        tuple(Verb.LOAD_MODULE, new ModuleNode("<unresolved fd 9>", ""), 1L, null));
    }

    @Test
    void seededProcess_emitsNothing_andIsKnown() {
        assertThat(events).isEmpty();
        assertThat(consumer.process(SHELL).orElseThrow())
                .extracting(ProcessNode::exe, ProcessNode::cwd, ProcessNode::ppid, ProcessNode::startNs)
                .containsExactly("/bin/bash", "/home/u", 1, Records.BOOT_NS);
        assertThat(consumer.stats()).isEqualTo(new ConsumerStats(0, 0, 0, 0));
    }

    @Test
    void stats_countRecordsAndEvents() {
        consumer.accept(Records.fork(SHELL, CHILD));
        consumer.accept(syscall(CHILD, Op.CLOSE).args(1).build());
        consumer.accept(Records.exit(CHILD, 0));

        assertThat(consumer.stats()).isEqualTo(new ConsumerStats(3, 2, 0, 0));
    }
}
