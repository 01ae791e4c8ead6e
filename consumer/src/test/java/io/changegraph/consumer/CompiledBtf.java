package io.changegraph.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The BTF of the built {@code changegraph.bpf.o} (from the probes jar on the classpath), as
 * {@code bpftool btf dump file OBJ format raw} prints it: the structs and enums as clang compiled them. The way
 * Tetragon's alignchecker reads its object's BTF, so the Java layouts are checked against what the kernel runs,
 * not against a hand-written list.
 */
final class CompiledBtf {
    static final String OBJECT = "/io/changegraph/probes/changegraph.bpf.o";

    private static final Pattern TYPE = Pattern.compile("^\\[(\\d+)] (\\w+) '([^']*)'(.*)$");
    private static final Pattern MEMBER = Pattern.compile("^\\s+'([^']*)' type_id=(\\d+) bits_offset=(\\d+)");
    private static final Pattern ENUM_VALUE = Pattern.compile("^\\s+'([^']*)' val=(-?\\d+)");
    private static final Pattern ATTRIBUTE = Pattern.compile("(\\w+)=(\\d+)");

    /** One field: its byte offset in the struct and its size. */
    record Field(String name, long offset, long size) {
    }

    private record Type(String kind, String name, Map<String, Long> attributes, List<String[]> members,
                        Map<String, Long> values) {
    }

    private final Map<Integer, Type> types = new HashMap<>();

    private CompiledBtf(String raw) {
        Type current = null;
        for (String line : raw.lines().toList()) {
            Matcher t = TYPE.matcher(line);
            if (t.matches()) {
                Map<String, Long> attributes = new HashMap<>();
                Matcher a = ATTRIBUTE.matcher(t.group(4));
                while (a.find()) {
                    attributes.put(a.group(1), Long.parseLong(a.group(2)));
                }
                current = new Type(t.group(2), t.group(3), attributes, new ArrayList<>(), new LinkedHashMap<>());
                types.put(Integer.parseInt(t.group(1)), current);
                continue;
            }
            Matcher m = MEMBER.matcher(line);
            Matcher v = ENUM_VALUE.matcher(line);
            if (current != null && m.find()) {
                current.members().add(new String[] {m.group(1), m.group(2), m.group(3)});
            } else if (current != null && v.find()) {
                current.values().put(v.group(1), Long.parseLong(v.group(2)));
            }
        }
    }

    /** Dumps the object's BTF with bpftool (a build dependency of the probes, see build-bpf.sh). */
    static CompiledBtf load() throws IOException, InterruptedException {
        Path object = Files.createTempFile("changegraph", ".bpf.o");
        try {
            try (InputStream in = CompiledBtf.class.getResourceAsStream(OBJECT)) {
                assertThat(in).as("%s from the probes jar (built by probes/src/main/c/build-bpf.sh)", OBJECT)
                        .isNotNull();
                Files.copy(in, object, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Process bpftool = new ProcessBuilder("bpftool", "btf", "dump", "file", object.toString(), "format", "raw")
                    .redirectErrorStream(true).start();
            String out = new String(bpftool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(bpftool.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(bpftool.exitValue()).as("bpftool btf dump: %s", out).isZero();
            return new CompiledBtf(out);
        } finally {
            Files.deleteIfExists(object);
        }
    }

    private Map.Entry<Integer, Type> named(String kind, String name) {
        return types.entrySet().stream().filter(e -> e.getValue().kind().equals(kind) && e.getValue().name().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError(kind + " " + name + " is not in the BTF of " + OBJECT));
    }

    /** The struct's size. */
    long structSize(String name) {
        return named("STRUCT", name).getValue().attributes().get("size");
    }

    /** The struct's fields in declaration order, with byte offsets and sizes. */
    List<Field> fields(String struct) {
        List<Field> out = new ArrayList<>();
        for (String[] member : named("STRUCT", struct).getValue().members()) {
            long bits = Long.parseLong(member[2]);
            assertThat(bits % 8).as("%s.%s is a bit field", struct, member[0]).isZero();
            out.add(new Field(member[0], bits / 8, sizeOf(Integer.parseInt(member[1]))));
        }
        return out;
    }

    /** The enum's constants and values, in declaration order. */
    Map<String, Long> enumValues(String name) {
        return named("ENUM", name).getValue().values();
    }

    private long sizeOf(int id) {
        Type type = types.get(id);
        return switch (type.kind()) {
            case "INT", "STRUCT", "UNION", "ENUM" -> type.attributes().get("size");
            case "TYPEDEF", "CONST", "VOLATILE" -> sizeOf(Math.toIntExact(type.attributes().get("type_id")));
            case "ARRAY" -> type.attributes().get("nr_elems") * sizeOf(Math.toIntExact(type.attributes().get("type_id")));
            default -> throw new AssertionError("no size for BTF " + type.kind() + " '" + type.name() + "'");
        };
    }
}
