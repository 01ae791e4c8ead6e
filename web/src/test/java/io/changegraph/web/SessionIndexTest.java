package io.changegraph.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.changegraph.repository.formats.GraphJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionIndexTest {
    @TempDir
    Path dir;

    @Test
    void sameSessionIdInTwoFiles_secondIsServedWithSuffix() {
        TestGraphs.recorded("s-1").write(dir.resolve("a.json"));
        TestGraphs.recorded("s-1").write(dir.resolve("b.json"));

        try (SessionIndex index = new SessionIndex(List.of(dir))) {
            assertThat(index.find("s-1")).hasValueSatisfying(s -> assertThat(s.file().getFileName().toString()).isEqualTo("a.json"));
            assertThat(index.find("s-1~2")).hasValueSatisfying(s -> assertThat(s.file().getFileName().toString()).isEqualTo("b.json"));
        }
    }

    @Test
    void rewrittenFile_isNewVersion_brokenRewriteKeepsLastGood_deletedFileIsDropped() throws Exception {
        Path file = TestGraphs.recorded("s-1").live().write(dir.resolve("a.json"));
        try (SessionIndex index = new SessionIndex(List.of(dir))) {
            List<Long> told = new ArrayList<>();
            index.addListener((previous, current) -> told.add(current.version()));

            TestGraphs.recorded("s-1").write(file);
            index.scan();
            assertThat(index.find("s-1").orElseThrow().version()).isEqualTo(2);
            assertThat(index.find("s-1").orElseThrow().live()).isFalse();

            Files.writeString(file, "{ torn");
            index.scan();
            assertThat(index.find("s-1").orElseThrow().version()).isEqualTo(2);

            Files.delete(file);
            index.scan();
            assertThat(index.find("s-1")).isEmpty();
            assertThat(told).containsExactly(2L);
        }
    }

    @Test
    void hiddenTempFilesAndOtherExtensions_areNotServed() throws Exception {
        TestGraphs.recorded("s-1").write(dir.resolve("a.json"));
        Files.writeString(dir.resolve(".a.json12345.tmp"), GraphJson.toJson(TestGraphs.recorded("s-tmp").build()));
        Files.writeString(dir.resolve(".hidden.json"), GraphJson.toJson(TestGraphs.recorded("s-hidden").build()));
        Files.writeString(dir.resolve("notes.txt"), "not a graph");

        try (SessionIndex index = new SessionIndex(List.of(dir))) {
            assertThat(index.sessions()).extracting(LoadedSession::id).containsExactly("s-1");
        }
    }
}
