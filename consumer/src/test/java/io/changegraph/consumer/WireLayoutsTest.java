package io.changegraph.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The Java layouts against the C structs as compiled: the probes build runs layout_dump (offsetof and
 * sizeof of every field) and puts the result on the classpath.
 */
class WireLayoutsTest {
    private static final String RESOURCE = "/io/changegraph/probes/changegraph-layouts.properties";

    private static Properties compiled() throws IOException {
        try (InputStream in = WireLayoutsTest.class.getResourceAsStream(RESOURCE)) {
            assertThat(in).as("%s from the probes jar (built by probes/src/main/c/build-bpf.sh)", RESOURCE).isNotNull();
            Properties properties = new Properties();
            properties.load(in);
            return properties;
        }
    }

    /** "struct.field" → "offset:size" and "struct" → "size", as the Java layouts say. */
    private static Map<String, String> javaView() {
        Map<String, String> view = new TreeMap<>();
        for (StructLayout struct : WireLayouts.ALL) {
            String name = struct.name().orElseThrow();
            view.put(name, Long.toString(struct.byteSize()));
            for (MemoryLayout member : struct.memberLayouts()) {
                String field = member.name().orElseThrow(() -> new AssertionError(name + " has an unnamed member"));
                long offset = struct.byteOffset(MemoryLayout.PathElement.groupElement(field));
                view.put(name + "." + field, offset + ":" + member.byteSize());
            }
        }
        return view;
    }

    @Test
    void layouts_everyStructAndField_matchTheCompiledC() throws IOException {
        Map<String, String> c = new TreeMap<>();
        compiled().forEach((key, value) -> {
            if (!key.toString().startsWith("CG_")) {
                c.put(key.toString(), value.toString());
            }
        });
        assertThat(c).as("C structs as compiled").isNotEmpty();
        // same keys both ways: no C field missing in Java, no Java field C does not have
        assertThat(javaView()).isEqualTo(c);
    }

    @Test
    void layouts_constants_matchTheHeader() throws IOException {
        Properties c = compiled();
        assertThat(Integer.parseInt(c.getProperty("CG_PATH_MAX"))).isEqualTo(WireLayouts.CG_PATH_MAX);
        assertThat(Integer.parseInt(c.getProperty("CG_ARGS_MAX"))).isEqualTo(WireLayouts.CG_ARGS_MAX);
        assertThat(Integer.parseInt(c.getProperty("CG_ADDR_MAX"))).isEqualTo(WireLayouts.CG_ADDR_MAX);
    }

    @Test
    void layouts_nestedHeader_isTheHeaderLayout() {
        for (StructLayout struct : WireLayouts.ALL) {
            if (struct != WireLayouts.CG_HEADER) {
                MemoryLayout first = struct.memberLayouts().getFirst();
                assertThat(first).isInstanceOf(GroupLayout.class);
                assertThat(((GroupLayout) first).withoutName()).isEqualTo(WireLayouts.CG_HEADER.withoutName());
            }
        }
    }

    /** Hand-written bytes, independent of the layouts: header then cg_exit. */
    @Test
    void header_handWrittenLittleEndianBytes_decodeToTheFields() {
        byte[] bytes = {
            0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,   // ts_ns
            0x03, 0x00, 0x00, 0x00,                           // kind = CG_KIND_EXIT
            (byte) 0xd2, 0x04, 0x00, 0x00,                    // tgid = 1234
            (byte) 0xd3, 0x04, 0x00, 0x00,                    // tid = 1235
            0x28, 0x00, 0x00, 0x00,                           // size = 40
            0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   // start_ns = 1
            0x09, 0x00, 0x00, 0x00,                           // exit_code = 9: killed by SIGKILL
            0x00, 0x00, 0x00, 0x00,                           // reserved
        };
        MemorySegment record = MemorySegment.ofArray(bytes);

        RecordView view = new RecordView().load(record);
        assertThat(RecordHeader.read(view)).isEqualTo(new RecordHeader(0x0102030405060708L, 3, 1234, 1235, 40));
        assertThat(view.i64(WireLayouts.EXIT_START_NS_AT)).isEqualTo(1);
        assertThat(view.i32(WireLayouts.EXIT_EXIT_CODE_AT)).isEqualTo(9);
        assertThat(WireLayouts.CG_EXIT.byteSize()).isEqualTo(bytes.length);
    }

    @Test
    void syscall_handWrittenBytes_argsAndLengthsAtTheirCOffsets() {
        byte[] bytes = new byte[(int) WireLayouts.CG_SYSCALL.byteSize()];
        bytes[24] = (byte) 0xfe;                   // ret = -2 (little-endian 0xff..fe)
        for (int i = 25; i < 32; i++) {
            bytes[i] = (byte) 0xff;
        }
        bytes[32 + 8 * 2] = 0x42;                  // args[2] = 0x42
        bytes[88] = 0x07;                          // op = 7
        bytes[96] = 0x05;                          // str1_len = 5
        bytes[100] = 0x10;                         // addr_len = 16
        bytes[102] = 0x04;                         // flags = CG_F_INODE_VALID
        MemorySegment record = MemorySegment.ofArray(bytes);
        RecordView view = new RecordView().load(record);
        Map<String, Long> read = new HashMap<>();
        read.put("ret", view.i64(WireLayouts.SYSCALL_RET_AT));
        read.put("args2", view.i64(WireLayouts.SYSCALL_ARGS_AT + 2 * Long.BYTES));
        read.put("op", view.u32(WireLayouts.SYSCALL_OP_AT));
        read.put("str1", (long) view.u16(WireLayouts.SYSCALL_STR1_LEN_AT));
        read.put("addr", (long) view.u16(WireLayouts.SYSCALL_ADDR_LEN_AT));
        read.put("flags", (long) view.u16(WireLayouts.SYSCALL_FLAGS_AT));

        assertThat(read).containsExactlyInAnyOrderEntriesOf(
                Map.of("ret", -2L, "args2", 0x42L, "op", 7L, "str1", 5L, "addr", 16L, "flags", 4L));
    }
}
