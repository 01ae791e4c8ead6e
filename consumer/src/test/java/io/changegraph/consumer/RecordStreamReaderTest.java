package io.changegraph.consumer;

import static io.changegraph.consumer.Records.syscall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.ObjectRef;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Verb;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Replay of recorded record streams: [u32 LE length][record] repeated. */
class RecordStreamReaderTest {
    static byte[] stream(List<MemorySegment> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (MemorySegment record : records) {
            byte[] bytes = record.toArray(ValueLayout.JAVA_BYTE);
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length).array());
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    private static int replay(InputStream in, Consumer consumer) throws IOException {
        int records = 0;
        try (RecordStreamReader reader = new RecordStreamReader(in)) {
            for (Optional<MemorySegment> next = reader.next(); next.isPresent(); next = reader.next()) {
                consumer.accept(next.get());
                records++;
            }
        }
        return records;
    }

    @Test
    void replay_generatedStream_givesTheSameEventsAsLiveRecords() throws IOException {
        List<MemorySegment> records = List.of(Records.fork(100, 101),
                syscall(101, Op.CHDIR).str1("/srv").build(),
                syscall(101, Op.OPENAT).args(-100, 0, 1).str1("out.txt").ret(3).build(),
                Records.io(101, 3, 0100000, 0, 0, 0, 4, 400),
                Records.exit(101, 0));
        List<Event> events = new ArrayList<>();
        Consumer consumer = Records.consumer(events);
        Records.seedShell(consumer, 100);

        int replayed = replay(new ByteArrayInputStream(stream(records)), consumer);

        assertThat(replayed).isEqualTo(5);
        assertThat(events).extracting(Event::verb).containsExactly(Verb.SPAWN, Verb.OPEN, Verb.WRITE, Verb.EXIT);
        assertThat(events.get(2).object()).isEqualTo(FileRef.of("/srv/out.txt"));
        assertThat(consumer.stats()).isEqualTo(new ConsumerStats(5, 4, 0, 0));
    }

    @Test
    void replay_streamCutInsideARecord_isAnIOException() {
        byte[] whole = stream(List.of(Records.exit(100, 0)));
        byte[] cut = Arrays.copyOf(whole, whole.length - 3);

        assertThatThrownBy(() -> replay(new ByteArrayInputStream(cut), Records.consumer(new ArrayList<>())))
                .isInstanceOf(IOException.class).hasMessageContaining("cut short in record 1");
    }

    @Test
    void replay_impossibleLength_isAnIOException() {
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 1, 2};

        assertThatThrownBy(() -> replay(new ByteArrayInputStream(garbage), Records.consumer(new ArrayList<>())))
                .isInstanceOf(IOException.class).hasMessageContaining("not a record stream");
    }

    /** A real recording (see fixtures/README.md): what the script did, decoded from kernel records. */
    @Test
    void replay_realShellRecording_showsWhatTheScriptDid() throws IOException {
        List<Event> events = new ArrayList<>();
        Consumer consumer = Records.consumer(events);
        try (InputStream in = RecordStreamReaderTest.class.getResourceAsStream("/fixtures/shell-basics.bin")) {
            replay(in, consumer);
        }
        List<String> seen = events.stream()
                .filter(e -> e.verb() != Verb.OPEN && e.verb() != Verb.READ && e.verb() != Verb.SPAWN
                        && e.verb() != Verb.EXEC && e.verb() != Verb.EXIT)
                .map(e -> e.subject().argv().getFirst() + " " + e.verb().wireName() + " " + name(e.object())
                        + (e.failed() > 0 ? " failed" : "") + (e.detail() != null ? " " + e.detail() : ""))
                .toList();

        String dir = "/tmp/cg-fixture";
        assertThat(seen).contains(
                "mkdir mkdir " + dir + "/sub 0777",
                "/bin/bash create " + dir + "/sub/a.txt write,create,truncate",
                "/bin/bash write " + dir + "/sub/a.txt",
                "sed rename " + dir + "/sub/sedasNXxA " + dir + "/sub/a.txt",
                "chmod chmod " + dir + "/sub/a.txt 0600",
                "ln symlink " + dir + "/sub/c.lnk a.txt",
                "mv rename " + dir + "/sub/c.lnk " + dir + "/sub/d.lnk",
                "rm unlink " + dir + "/sub/d.lnk",
                "/bin/bash write " + dir + "/log.txt",
                "/bin/bash signal 28669 SIGTERM",
                "/bin/bash connect 127.0.0.1:9 failed");
        assertThat(events.getLast()).extracting(e -> e.verb(), e -> e.detail()).containsExactly(Verb.EXIT, "exit 3");
        assertThat(consumer.stats()).extracting(ConsumerStats::droppedUser, ConsumerStats::unknownProcesses)
                .containsExactly(0L, 1L);   // the root was seeded live, not in the stream
        assertThat(events).noneMatch(e -> e.object() instanceof FileRef f && !f.resolved());
    }

    private static String name(ObjectRef object) {
        return switch (object) {
            case FileRef f -> f.path();
            case ProcessNode p -> Integer.toString(p.pid());
            case RemoteNode r -> r.address() + ":" + r.port();
            case ModuleNode m -> m.name();
        };
    }

    static Stream<Path> fixtures() throws IOException, URISyntaxException {
        URL dir = RecordStreamReaderTest.class.getResource("/fixtures");
        if (dir == null) {
            return Stream.empty();
        }
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
            return files.filter(f -> f.toString().endsWith(".bin")).sorted().toList().stream();
        }
    }

    /** Recorded fixtures (src/test/resources/fixtures/*.bin, added from real runs) must decode completely. */
    @TestFactory
    Stream<DynamicTest> replay_recordedFixture_decodesWithoutDrops() throws IOException, URISyntaxException {
        return fixtures().map(fixture -> DynamicTest.dynamicTest(fixture.getFileName().toString(), () -> {
            List<Event> events = new ArrayList<>();
            Consumer consumer = Records.consumer(events);
            int records;
            try (InputStream in = Files.newInputStream(fixture)) {
                records = replay(in, consumer);
            }

            assertThat(records).isPositive();
            assertThat(consumer.stats().droppedUser()).as("records of %s not decoded", fixture).isZero();
            assertThat(events).isNotEmpty();
        }));
    }
}
