package io.changegraph.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Verb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** readProc on a fake proc tree, and seeding from it. */
class ProcReaderTest {
    @TempDir
    Path proc;

    private void fakeProcess(int pid) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        // a command name with spaces and ')' must not shift the fields
        Files.writeString(dir.resolve("stat"), pid + " (my (odd) cmd) S 77 " + pid + " " + pid
                + " 34816 4242 4194560 1 2 3 4 5 6 7 8 20 0 1 0 123456 1000 100 18446744073709551615\n");
        Files.writeString(dir.resolve("status"), "Name:\tbash\nUmask:\t0022\nState:\tS (sleeping)\n"
                + "Tgid:\t" + pid + "\nPPid:\t77\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n");
        Files.writeString(dir.resolve("cmdline"), "bash\0-l\0\0x y\0");
        Files.createSymbolicLink(dir.resolve("exe"), Path.of("/usr/bin/bash"));
        Files.createSymbolicLink(dir.resolve("cwd"), Path.of("/home/u"));
        Path fd = Files.createDirectories(dir.resolve("fd"));
        Path fdinfo = Files.createDirectories(dir.resolve("fdinfo"));
        Files.createSymbolicLink(fd.resolve("0"), Path.of("/dev/pts/3"));
        Files.createSymbolicLink(fd.resolve("3"), Path.of("socket:[12345]"));
        Files.createSymbolicLink(fd.resolve("4"), Path.of("pipe:[678]"));
        Files.createSymbolicLink(fd.resolve("5"), Path.of("anon_inode:[eventfd]"));
        Files.createSymbolicLink(fd.resolve("6"), Path.of("/var/log/app.log"));
        Files.writeString(fdinfo.resolve("6"), "pos:\t0\nflags:\t02100001\nmnt_id:\t25\n");
        Files.writeString(fdinfo.resolve("0"), "pos:\t0\nflags:\t0100002\nmnt_id:\t25\n");
        Files.createSymbolicLink(fd.resolve("7"), Path.of("socket:[555]"));
        Files.createSymbolicLink(fd.resolve("8"), Path.of("socket:[556]"));
        Path net = Files.createDirectories(dir.resolve("net"));
        // 10.0.0.2:5432 <- 10.0.0.9:41000 (inode 555); a listener 0.0.0.0:8080 (inode 12345)
        Files.writeString(net.resolve("tcp"), TCP_HEADER
                + "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 12345 1 0 100 0 0 10 0\n"
                + "   1: 0200000A:1538 0900000A:A028 01 00000000:00000000 00:00000000 00000000  1000        0 555 1 0 20 4 30 10 -1\n");
        // [::1]:22 <- [2001:db8::7]:50000 (inode 556)
        Files.writeString(net.resolve("tcp6"), TCP_HEADER
                + "   0: 00000000000000000000000001000000:0016 B80D0120000000000000000007000000:C350 01 00000000:00000000 00:00000000 00000000     0        0 556 1 0 20 4 30 10 -1\n");
    }

    private static final String TCP_HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
            + "retrnsmt   uid  timeout inode\n";

    private final List<Event> events = new ArrayList<>();

    private Consumer seededFromFakeProc() throws IOException {
        fakeProcess(4242);
        Consumer consumer = Records.consumer(events);
        consumer.seedProcess(Consumer.readProc(proc, 4242));
        return consumer;
    }

    @Test
    void readProc_fakeTree_readsEveryField() throws IOException {
        fakeProcess(4242);

        ProcSnapshot p = Consumer.readProc(proc, 4242);

        assertThat(p).isEqualTo(new ProcSnapshot(4242, 77, 123456L * 10_000_000L, "/usr/bin/bash",
                List.of("bash", "-l", "", "x y"), "/home/u", 1000, 0,
                Map.of(0, "/dev/pts/3", 3, "socket:[12345]", 4, "pipe:[678]", 5, "anon_inode:[eventfd]",
                        6, "/var/log/app.log", 7, "socket:[555]", 8, "socket:[556]"), Set.of(6),
                Map.of(7, new RemoteNode("ipv4", "10.0.0.9", 41000), 8, new RemoteNode("ipv6", "2001:db8::7", 50000))));
    }

    @Test
    void seededFromProc_existingConnections_sendAndRecvWithTheirPeer() throws IOException {
        Consumer consumer = seededFromFakeProc();

        consumer.accept(Records.io(4242, 7, 0140000, 555, 2, 100, 1, 10));
        consumer.accept(Records.io(4242, 3, 0140000, 12345, 1, 1, 0, 0));   // the listener: no peer

        RemoteNode client = new RemoteNode("ipv4", "10.0.0.9", 41000);
        assertThat(events).extracting(Event::verb, Event::object, Event::bytes)
                .containsExactly(tuple(Verb.RECV, client, 100L), tuple(Verb.SEND, client, 10L));
    }

    @Test
    void readProc_missingProcess_isAnIOException() {
        assertThatThrownBy(() -> Consumer.readProc(proc, 999)).isInstanceOf(IOException.class);
    }

    @Test
    void seededFromProc_closeOnExecFdsAreClosedAtExec_andInheritedOnesKept() throws IOException {
        Consumer consumer = seededFromFakeProc();

        consumer.accept(Records.exec(4242, "/usr/bin/env", List.of("env")));
        consumer.accept(Records.io(4242, 0, 020000, 0, 0, 0, 1, 1));
        consumer.accept(Records.io(4242, 6, 0100000, 0, 0, 0, 1, 1));

        assertThat(events.subList(1, 3)).extracting(Event::object).containsExactly(FileRef.of("/dev/pts/3"),
                new FileRef("<unresolved fd 6 inode 0>", 0, false));
    }
}
