package io.changegraph.repository.formats;

import io.changegraph.repository.model.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Hostile graph files: each is one GraphFormatException line, never an NPE, OOM or a hang. */
class GraphReaderLimitsTest {
    @TempDir
    Path dir;

    private String good() {
        return GraphJson.toJson(Fixtures.rich());
    }

    @Test
    void read_devZeroAndFifo_areRefusedAtOnce() throws Exception {
        Path fifo = dir.resolve("graph.json");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertThatThrownBy(() -> GraphJson.read(Path.of("/dev/zero"))).isInstanceOf(GraphFormatException.class)
                    .hasMessageContaining("not a regular file");
            assertThatThrownBy(() -> GraphJson.read(fifo)).isInstanceOf(GraphFormatException.class)
                    .hasMessageContaining("FIFO");
        });
    }

    @Test
    void read_trailingGarbage_isRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("g.json"), good() + "{\"more\": 1}\n");
        assertThatThrownBy(() -> GraphJson.read(file)).isInstanceOf(GraphFormatException.class)
                .hasMessageContaining("content after the graph");
        assertThat(GraphJson.read(Files.writeString(dir.resolve("ok.json"), good()))).isEqualTo(Fixtures.rich());
    }

    @Test
    void read_deepNestingInAnUnknownKey_namesTheDepthLimit() throws Exception {
        String deep = good().replaceFirst("\\{", "{\"x\": " + "[".repeat(2000) + "]".repeat(2000) + ",");
        Path file = Files.writeString(dir.resolve("deep.json"), deep);
        assertThatThrownBy(() -> GraphJson.read(file)).isInstanceOf(GraphFormatException.class)
                .hasMessageContaining("nested deeper than 100 levels").hasMessageContaining("CHANGEGRAPH_MAX_DEPTH");
    }

    @Test
    void read_aHugeString_namesTheStringLimit() throws Exception {
        String huge = good().replace("/usr/bin/", "/usr/bin/" + "a".repeat(3 << 20));
        Path file = Files.writeString(dir.resolve("huge.json"), huge);
        assertThatThrownBy(() -> GraphJson.read(file)).isInstanceOf(GraphFormatException.class)
                .hasMessageContaining("CHANGEGRAPH_MAX_STRING_KB");
    }

    @Test
    void read_notUtf8_saysSoInsteadOfInputLength() throws Exception {
        byte[] bytes = good().replaceFirst("/usr/bin", "/usr/b\u00efn").getBytes(StandardCharsets.ISO_8859_1);
        Path latin1 = Files.write(dir.resolve("latin1.json"), bytes);
        assertThatThrownBy(() -> GraphJson.read(latin1)).isInstanceOf(GraphFormatException.class)
                .hasMessageContaining("not UTF-8").hasMessageNotContaining("Input length");
        Path utf16 = Files.write(dir.resolve("utf16.json"), good().getBytes(StandardCharsets.UTF_16));
        assertThatThrownBy(() -> GraphJson.read(utf16)).isInstanceOf(GraphFormatException.class)
                .hasMessageContaining("not UTF-8");
    }

    @Test
    void read_wrongShapes_areOneLineErrorsNotNullPointers() {
        for (String json : new String[]{"{\"schema\":\"changegraph/v1\"}", "{\"schema\":\"changegraph/v1\",\"nodes\":3}",
                "{\"schema\":\"changegraph/v1\",\"nodes\":[1],\"edges\":[],\"session\":{},\"stats\":{}}",
                "{\"schema\":\"changegraph/v1\",\"nodes\":[],\"edges\":[],\"session\":[],\"stats\":{}}",
                "[]", "3", "null", "{\"schema\":7}"}) {
            assertThatThrownBy(() -> GraphJson.fromJson(json)).as(json).isInstanceOf(GraphFormatException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("null"));
        }
    }
}
