package io.changegraph.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.HashMap;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The Java layouts against the C structs as compiled: every struct's size and every field's offset and size in the
 * BTF of the built {@code changegraph.bpf.o} ({@link CompiledBtf}), and the op and kind enums against the BTF's.
 */
class WireLayoutsTest {

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

    /** The same view of the object's BTF, for the structs the Java side mirrors. */
    private static Map<String, String> compiledView(CompiledBtf btf) {
        Map<String, String> view = new TreeMap<>();
        for (StructLayout struct : WireLayouts.ALL) {
            String name = struct.name().orElseThrow();
            view.put(name, Long.toString(btf.structSize(name)));
            for (CompiledBtf.Field field : btf.fields(name)) {
                // a flexible array member (char data[]) has no size and is not mirrored
                if (field.size() > 0) {
                    view.put(name + "." + field.name(), field.offset() + ":" + field.size());
                }
            }
        }
        return view;
    }

    @Test
    void layouts_everyStructAndField_matchTheBtfOfTheBuiltObject() throws Exception {
        // same keys both ways: no C field missing in Java, no Java field C does not have
        assertThat(javaView()).isEqualTo(compiledView(CompiledBtf.load()));
    }

    @Test
    void ops_javaEnum_numbersAsTheCompiledCEnum() throws Exception {
        Map<String, Long> c = new LinkedHashMap<>(CompiledBtf.load().enumValues("cg_op"));
        assertThat(c.remove("CG_OP_NONE")).isZero();
        c.remove("CG_OP_MAX");
        Map<String, Long> java = new LinkedHashMap<>();
        for (Op op : Op.values()) {
            java.put("CG_OP_" + op.name(), (long) op.code());
        }
        assertThat(java).containsExactlyEntriesOf(c);
    }

    @Test
    void kinds_javaConstants_equalTheCompiledCEnum() throws Exception {
        Map<String, Long> java = new LinkedHashMap<>();
        java.put("CG_KIND_FORK", (long) WireLayouts.KIND_FORK);
        java.put("CG_KIND_EXEC", (long) WireLayouts.KIND_EXEC);
        java.put("CG_KIND_EXIT", (long) WireLayouts.KIND_EXIT);
        java.put("CG_KIND_SYSCALL", (long) WireLayouts.KIND_SYSCALL);
        java.put("CG_KIND_IO", (long) WireLayouts.KIND_IO);
        java.put("CG_KIND_TCP", (long) WireLayouts.KIND_TCP);
        java.put("CG_KIND_PAYLOAD", (long) WireLayouts.KIND_PAYLOAD);
        assertThat(CompiledBtf.load().enumValues("cg_kind")).containsExactlyEntriesOf(java);
    }

    @Test
    void tcpEventsAndPayloadDirections_javaConstants_equalTheCompiledCEnums() throws Exception {
        CompiledBtf btf = CompiledBtf.load();
        assertThat(btf.enumValues("cg_tcp_event")).containsExactlyEntriesOf(Map.of(
                "CG_TCP_CONNECTING", (long) WireLayouts.TCP_CONNECTING, "CG_TCP_ESTABLISHED",
                (long) WireLayouts.TCP_ESTABLISHED, "CG_TCP_CLOSED", (long) WireLayouts.TCP_CLOSED,
                "CG_TCP_RESET_SENT", (long) WireLayouts.TCP_RESET_SENT).entrySet().stream()
                .sorted(Map.Entry.comparingByValue()).collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()),
                        Map::putAll));
        assertThat(btf.enumValues("cg_payload_dir")).containsOnly(
                Map.entry("CG_PAYLOAD_FIRST_SEND", (long) WireLayouts.PAYLOAD_FIRST_SEND),
                Map.entry("CG_PAYLOAD_DNS", (long) WireLayouts.PAYLOAD_DNS));
    }

    @Test
    void peek_forkRecord_givesKindProcessAndChild_withoutDecoding() {
        MemorySegment fork = MemorySegment.ofArray(new byte[(int) WireLayouts.CG_FORK.byteSize()]);
        fork.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.HEADER_KIND_AT, WireLayouts.KIND_FORK);
        fork.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.HEADER_TGID_AT, 41);
        fork.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.HEADER_SIZE_AT, (int) fork.byteSize());
        fork.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, WireLayouts.FORK_CHILD_TGID_AT, 42);

        assertThat(Consumer.peek(fork)).isEqualTo(new RecordPeek(RecordPeek.Kind.FORK, 41, 0, fork.byteSize(), 42));
        assertThat(Consumer.peek(fork.asSlice(0, 23))).isNull();
        assertThat(Consumer.peek(fork.asSlice(0, 30))).as("a fork cut short").isNull();
    }

    @Test
    void layouts_nestedHeader_isTheHeaderLayout() {
        for (StructLayout struct : WireLayouts.ALL) {
            if (struct != WireLayouts.CG_HEADER && struct != WireLayouts.CG_IO_COUNTS) {   // a record, not a part
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
