package io.changegraph.consumer;

import static io.changegraph.consumer.Records.syscall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.changegraph.repository.Event;
import io.changegraph.repository.FileRef;
import io.changegraph.repository.Verb;
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
