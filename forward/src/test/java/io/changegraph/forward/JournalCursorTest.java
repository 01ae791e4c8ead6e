package io.changegraph.forward;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

class JournalCursorTest {
    @TempDir
    Path dir;

    @Test
    void read_incompleteLastLine_isNotAnEventYet() throws Exception {
        Path j = Files.writeString(dir.resolve("journal.jsonl"), Sessions.line(0) + "\n" + Sessions.line(1) + "\n"
                + Sessions.line(2).substring(0, 40));
        JournalCursor.Batch b = JournalCursor.read(j, 0, 100, Long.MAX_VALUE);
        assertThat(b.lines()).containsExactly(Sessions.line(0), Sessions.line(1));
        assertThat(JournalCursor.read(j, b.endOffset(), 100, Long.MAX_VALUE).isEmpty()).isTrue();

        Files.writeString(j, Sessions.line(2).substring(40) + "\n", StandardOpenOption.APPEND);
        assertThat(JournalCursor.read(j, b.endOffset(), 100, Long.MAX_VALUE).lines()).containsExactly(Sessions.line(2));
    }

    @Test
    void offsetOf_unreadableLine_isNotNumbered_asInTheJournalsReplay() throws Exception {
        Path j = Files.writeString(dir.resolve("journal.jsonl"), Sessions.line(0) + "\n{\"torn\n\n" + Sessions.line(1)
                + "\n" + Sessions.line(2) + "\n");
        long afterOne = JournalCursor.offsetOf(j, 1);
        assertThat(JournalCursor.read(j, afterOne, 1, Long.MAX_VALUE).lines()).containsExactly(Sessions.line(1));
        assertThat(JournalCursor.count(j, 0)).isEqualTo(3);
        assertThat(JournalCursor.offsetOf(j, 3)).isEqualTo(Files.size(j));
        assertThat(JournalCursor.offsetOf(j, 4)).isEqualTo(-1);
    }

    @Test
    void read_boundsEventsAndBytes_butAlwaysAtLeastOne() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            text.append(Sessions.line(i)).append('\n');
        }
        Path j = Files.writeString(dir.resolve("journal.jsonl"), text);
        assertThat(JournalCursor.read(j, 0, 4, Long.MAX_VALUE).lines()).hasSize(4);
        assertThat(JournalCursor.read(j, 0, 100, 1).lines()).hasSize(1);
        assertThat(JournalCursor.read(dir.resolve("none"), 0, 100, 1).isEmpty()).isTrue();
    }

    @Test
    void summaryAndAlerts_areTakenFromTheGraphFile_theRestSkipped() throws Exception {
        Path graph = Files.writeString(dir.resolve("graph.json"), "{\"alerts\":[{\"rule\":\"r1\"}],\"edges\":[{\"a\":[1,"
                + "{\"b\":2}]}],\"schema\":\"changegraph/v1\",\"summary\":{\"behaviours\":[{\"kind\":\"cron.change\"}]},"
                + "\"zz\":3}\n");
        assertThat(HubForwarder.summaryAndAlerts(graph).toString()).isEqualTo(
                "{\"alerts\":[{\"rule\":\"r1\"}],\"summary\":{\"behaviours\":[{\"kind\":\"cron.change\"}]}}");
    }

    @Test
    void read_lineLongerThanTheReadBuffer_isOneEvent() throws Exception {
        String longLine = Sessions.line(0).replace("file-0", "f".repeat(200_000));
        Path j = Files.writeString(dir.resolve("journal.jsonl"), longLine + "\n" + Sessions.line(1) + "\n");
        assertThat(JournalCursor.read(j, 0, 100, Long.MAX_VALUE).lines()).containsExactly(longLine, Sessions.line(1));
    }
}
