package io.changegraph.repository.io;

import com.fasterxml.jackson.core.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class BoundedInputTest {
    @TempDir
    Path dir;

    @Test
    void readText_fifo_isRefusedAtOnceWithoutOpeningIt() throws Exception {
        Path fifo = dir.resolve("pipe");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                assertThatThrownBy(() -> BoundedFiles.readText(fifo, "rules file", 1 << 20, "KNOB"))
                        .isInstanceOf(BadInputException.class).hasMessageContaining("FIFO").hasMessageContaining("not a regular file"));
    }

    @Test
    void readText_deviceAndDirectory_areRefused() {
        assertThatThrownBy(() -> BoundedFiles.readText(Path.of("/dev/zero"), "graph file", 1 << 20, "KNOB"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("/dev/zero").hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> BoundedFiles.readText(dir, "graph file", 1 << 20, "KNOB"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("a directory");
    }

    @Test
    void readText_overTheSizeLimit_namesTheLimitAndItsKnob() throws IOException {
        Path big = Files.writeString(dir.resolve("big.yaml"), "x".repeat(2 << 20));
        assertThatThrownBy(() -> BoundedFiles.readText(big, "rules file", 1 << 20, InputLimits.CONFIG_MB))
                .isInstanceOf(BadInputException.class).hasMessageContaining("1 MiB limit")
                .hasMessageContaining("CHANGEGRAPH_MAX_CONFIG_MB");
    }

    @Test
    void readText_notUtf8_namesLineAndByte() throws IOException {
        Path latin1 = Files.write(dir.resolve("l.yaml"), "a: 1\nb: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> BoundedFiles.readText(latin1, "rules file", 1 << 20, "KNOB"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("not UTF-8").hasMessageContaining("line 2");
    }

    @Test
    void readTree_deepNesting_longString_trailingContent_areOneLineErrors() {
        assertThatThrownBy(() -> JsonMappers.readTree("[".repeat(5000) + "]".repeat(5000), "deep.json"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("nested deeper than 100")
                .hasMessageContaining(InputLimits.DEPTH);
        assertThatThrownBy(() -> JsonMappers.readTree("\"" + "x".repeat(2 << 20) + "\"", "long.json"))
                .isInstanceOf(BadInputException.class).hasMessageContaining(InputLimits.STRING_KB);
        assertThatThrownBy(() -> JsonMappers.readTree("{\"a\":1} garbage", "t.json"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("t.json is not valid JSON");
        assertThat(JsonMappers.readTree("{\"a\":1}\n", "ok.json").get("a").intValue()).isEqualTo(1);
    }

    @Test
    void yaml_aHugeScalar_isRefusedBeforeSnakeYamlSeesIt() {
        String huge = "rules:\n  - id: " + "x".repeat(20 << 20) + "\n";
        assertTimeoutPreemptively(Duration.ofSeconds(2), () ->
                assertThatThrownBy(() -> YamlReader.readTree(huge, "rules.yaml"))
                        .isInstanceOf(BadInputException.class).hasMessageContaining("line 2 is longer than 1024 KiB")
                        .hasMessageContaining(InputLimits.STRING_KB));
    }

    @Test
    void yaml_deepNesting_isRefusedNamingTheKnob() {
        String deep = "a: " + "[".repeat(3000) + "]".repeat(3000) + "\n";
        assertThatThrownBy(() -> YamlReader.readTree(deep, "deep.yaml"))
                .isInstanceOf(BadInputException.class).hasMessageContaining(InputLimits.DEPTH);
        StringBuilder block = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            block.append(" ".repeat(i)).append("k").append(i).append(":\n");
        }
        assertThatThrownBy(() -> YamlReader.readTree(block.toString(), "block.yaml"))
                .isInstanceOf(BadInputException.class).hasMessageContaining(InputLimits.DEPTH);
    }

    @Test
    void yaml_parser_deepNesting_failsInsteadOfRecursing() throws IOException {
        try (JsonParser parser = YamlReader.parser("a: " + "[".repeat(3000) + "]".repeat(3000) + "\n", "p.yaml")) {
            assertThatThrownBy(() -> {
                while (parser.nextToken() != null) {
                    // drain
                }
            }).satisfies(e -> assertThat(JsonMappers.limitMessage(e)).contains(InputLimits.DEPTH));
        }
    }

    @Test
    void limits_fromEnvironment_raiseAndIgnoreNonsense() {
        InputLimits raised = InputLimits.fromEnvironment(Map.of(InputLimits.GRAPH_MB, "2048", InputLimits.DEPTH, "7",
                InputLimits.CONFIG_MB, "zero", InputLimits.STRING_KB, "-5"));
        assertThat(raised.graphBytes()).isEqualTo(2048L << 20);
        assertThat(raised.depth()).isEqualTo(7);
        assertThat(raised.configBytes()).isEqualTo(InputLimits.defaults().configBytes());
        assertThat(raised.stringChars()).isEqualTo(InputLimits.defaults().stringChars());
    }

    @Test
    void atomicFile_failedWrite_leavesTheTargetAndNoTempFile() throws IOException {
        Path target = Files.writeString(dir.resolve("graph.json"), "old");
        assertThatThrownBy(() -> AtomicFile.write(target, out -> {
            out.write("new, half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("No space left on device");
        })).hasMessageContaining("No space left");
        assertThat(Files.readString(target)).isEqualTo("old");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
        AtomicFile.writeString(target, "new");
        assertThat(Files.readString(target)).isEqualTo("new");
    }

    @Test
    void terminalText_escapesControlsKeepsText() {
        assertThat(TerminalText.line("true \u001b[2J\u001b]0;PWNED\u0007")).isEqualTo("true \\u001B[2J\\u001B]0;PWNED\\u0007");
        assertThat(TerminalText.line("a\nb\tc\u007f\u009b\u202e")).isEqualTo("a\\u000Ab\\u0009c\\u007F\\u009B\\u202E");
        assertThat(TerminalText.lines("a\nb\tc\r")).isEqualTo("a\nb\tc\\u000D");
        assertThat(TerminalText.line("/etc/caf\u00e9 \u4e2d")).isEqualTo("/etc/caf\u00e9 \u4e2d");
    }

    @Test
    void sortedJson_escapesDelAndC1_soAPrintedGraphIsInert() throws Exception {
        String json = JsonMappers.SORTED.writeValueAsString(Map.of("argv", "a\u001b\u007f\u009bb"));
        assertThat(json).isEqualTo("{\"argv\":\"a\\u001B\\u007F\\u009Bb\"}");
        assertThat(JsonMappers.readTree(json, "x").get("argv").textValue()).isEqualTo("a\u001b\u007f\u009bb");
    }
}
