package io.changegraph.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The flag bits and sizes of changegraph.h (#defines, which are not in the object's BTF) against their Java
 * mirrors, read from the header source; the enums are checked against the BTF in {@link WireLayoutsTest}.
 */
class HeaderConstantsTest {
    private static final Pattern ENUM_ENTRY = Pattern.compile("^\\s*(CG_[A-Z0-9_]+)\\s*(?:=\\s*(\\d+))?\\s*,",
            Pattern.MULTILINE);
    private static final Pattern DEFINE = Pattern.compile("^#define\\s+(CG_[A-Z0-9_]+)\\s+(0x[0-9a-fA-F]+|\\d+)",
            Pattern.MULTILINE);

    private static String header() throws IOException {
        String repo = System.getenv().getOrDefault("CHANGEGRAPH_REPO", "..");
        return Files.readString(Path.of(repo, "probes/src/main/c/changegraph.h"));
    }

    private static String enumBody(String header, String name) {
        int start = header.indexOf("enum " + name + " {");
        assertThat(start).as("enum %s in changegraph.h", name).isNotNegative();
        return header.substring(start, header.indexOf("};", start));
    }

    /** Enum constant → value, numbering as C does (implicit = previous + 1). */
    private static Map<String, Long> enumValues(String body) {
        Map<String, Long> values = new LinkedHashMap<>();
        long next = 0;
        Matcher m = ENUM_ENTRY.matcher(body);
        while (m.find()) {
            long value = m.group(2) != null ? Long.parseLong(m.group(2)) : next;
            values.put(m.group(1), value);
            next = value + 1;
        }
        return values;
    }

    @Test
    void kindsAndFlags_javaConstants_equalTheC() throws IOException {
        String header = header();
        Map<String, Long> c = new LinkedHashMap<>(enumValues(enumBody(header, "cg_kind")));
        Matcher m = DEFINE.matcher(header);
        while (m.find()) {
            c.put(m.group(1), Long.decode(m.group(2)));
        }
        Map<String, Long> java = Map.ofEntries(
                Map.entry("CG_KIND_FORK", (long) WireLayouts.KIND_FORK),
                Map.entry("CG_KIND_EXEC", (long) WireLayouts.KIND_EXEC),
                Map.entry("CG_KIND_EXIT", (long) WireLayouts.KIND_EXIT),
                Map.entry("CG_KIND_SYSCALL", (long) WireLayouts.KIND_SYSCALL),
                Map.entry("CG_KIND_IO", (long) WireLayouts.KIND_IO),
                Map.entry("CG_F_STR1_TRUNCATED", (long) WireLayouts.F_STR1_TRUNCATED),
                Map.entry("CG_F_STR2_TRUNCATED", (long) WireLayouts.F_STR2_TRUNCATED),
                Map.entry("CG_F_INODE_VALID", (long) WireLayouts.F_INODE_VALID),
                Map.entry("CG_EXEC_ARGS_TRUNCATED", (long) WireLayouts.EXEC_ARGS_TRUNCATED),
                Map.entry("CG_PATH_MAX", (long) WireLayouts.CG_PATH_MAX),
                Map.entry("CG_ARGS_MAX", (long) WireLayouts.CG_ARGS_MAX),
                Map.entry("CG_ADDR_MAX", (long) WireLayouts.CG_ADDR_MAX));

        assertThat(c).containsAllEntriesOf(java);
    }
}
