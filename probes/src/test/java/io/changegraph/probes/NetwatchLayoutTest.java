package io.changegraph.probes;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.foreign.MemoryLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link NetwatchProbe#FLOW}, {@link NetwatchProbe#KEY}, {@link NetwatchProbe#COUNTS} and {@link NetwatchProbe#DNS}
 * against {@code struct nw_flow}, {@code nw_key}, {@code nw_counts} and {@code nw_dns} in the BTF of the built
 * netwatch.bpf.o (bpftool).
 */
class NetwatchLayoutTest {
    private static final Pattern MEMBER = Pattern.compile("^\\s+'([^']*)' type_id=\\d+ bits_offset=(\\d+)");

    @Test
    void flowLayout_sizeAndEveryFieldOffset_matchTheCompiledStruct() throws Exception {
        assertMatches(NetwatchProbe.FLOW, "nw_flow");
    }

    @Test
    void aggregationKeyAndCounts_sizeAndEveryFieldOffset_matchTheCompiledStructs() throws Exception {
        assertMatches(NetwatchProbe.KEY, "nw_key");
        assertMatches(NetwatchProbe.COUNTS, "nw_counts");
    }

    @Test
    void dnsLayout_sizeAndEveryFieldOffset_matchTheCompiledStruct() throws Exception {
        assertMatches(NetwatchProbe.DNS, "nw_dns");
    }

    private static void assertMatches(java.lang.foreign.StructLayout layout, String struct) throws Exception {
        Path object = Files.createTempFile("netwatch", ".bpf.o");
        String btf;
        try {
            try (InputStream in = NetwatchProbe.class.getResourceAsStream("netwatch.bpf.o")) {
                assertThat(in).as("netwatch.bpf.o built by probes/src/main/c/build-bpf.sh").isNotNull();
                Files.copy(in, object, StandardCopyOption.REPLACE_EXISTING);
            }
            Process bpftool = new ProcessBuilder("bpftool", "btf", "dump", "file", object.toString(), "format", "raw")
                    .redirectErrorStream(true).start();
            btf = new String(bpftool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(bpftool.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(bpftool.exitValue()).as(btf).isZero();
        } finally {
            Files.deleteIfExists(object);
        }
        Map<String, Long> compiled = new LinkedHashMap<>();
        long size = -1;
        boolean in = false;
        for (String line : btf.split("\n")) {
            if (line.startsWith("[")) {
                in = line.contains(" STRUCT '" + struct + "' ");
                if (in) {
                    Matcher m = Pattern.compile("size=(\\d+)").matcher(line);
                    assertThat(m.find()).isTrue();
                    size = Long.parseLong(m.group(1));
                }
                continue;
            }
            Matcher m = MEMBER.matcher(line);
            if (in && m.find()) {
                compiled.put(m.group(1), Long.parseLong(m.group(2)) / 8);
            }
        }
        Map<String, Long> java = new LinkedHashMap<>();
        for (MemoryLayout member : layout.memberLayouts()) {
            String name = member.name().orElseThrow();
            java.put(name, layout.byteOffset(MemoryLayout.PathElement.groupElement(name)));
        }
        assertThat(java).as(struct).containsExactlyEntriesOf(compiled);
        assertThat(layout.byteSize()).as(struct).isEqualTo(size);
    }
}
