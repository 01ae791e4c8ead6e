package io.changegraph.probes;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where {@link Libbpf#recursionMisses} reads {@code bpf_prog_info.recursion_misses}, against this kernel's BTF
 * (bpftool): the UAPI struct only grows, so the offset holds on every kernel that has the field.
 */
class ProgInfoLayoutTest {

    @Test
    void recursionMissesOffset_andInfoSize_matchTheKernelsBpfProgInfo() throws Exception {
        Process bpftool = new ProcessBuilder("bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "raw")
                .redirectErrorStream(true).start();
        String btf = new String(bpftool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bpftool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        int start = btf.indexOf("STRUCT 'bpf_prog_info' ");
        assertThat(start).as("struct bpf_prog_info in the kernel's BTF").isNotNegative();
        String struct = btf.substring(start, btf.indexOf("\n[", start));
        Matcher size = Pattern.compile("size=(\\d+)").matcher(struct);
        assertThat(size.find()).isTrue();
        Matcher member = Pattern.compile("'recursion_misses' type_id=\\d+ bits_offset=(\\d+)").matcher(struct);
        assertThat(member.find()).as("recursion_misses in %s", struct).isTrue();
        assertThat(Long.parseLong(member.group(1)) / 8).isEqualTo(Libbpf.PROG_INFO_RECURSION_MISSES_AT);
        assertThat(Long.parseLong(size.group(1))).as("this kernel's struct is at least as large as the one read")
                .isGreaterThanOrEqualTo(Libbpf.PROG_INFO_SIZE);
    }
}
