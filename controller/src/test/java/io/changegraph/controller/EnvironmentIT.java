package io.changegraph.controller;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What a user sees when the machine is not ready: one line, exit code 2, nothing else. */
@Tag("kernel")
@ExtendWith(RequiresRoot.class)
class EnvironmentIT {
    @TempDir
    Path dir;

    record Outcome(int exit, String stdout, String stderr) {
    }

    private Outcome run(Map<String, String> env, String... command) throws Exception {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(List.of(command)).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Outcome(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static void assertOneLine(Outcome o, String contains) {
        assertThat(o.exit).as(o.stderr).isEqualTo(2);
        assertThat(o.stderr.strip()).doesNotContain("\n").doesNotContain("Exception").contains(contains);
    }

    @Test
    void record_asNonRootUser_isRefusedWithOneLine() throws Exception {
        dir.toFile().setWritable(true, false);
        dir.toFile().setExecutable(true, false);
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", "nobody", "--", Recording.launcher().toString(),
                "record", "-o", dir.resolve("g.json").toString(), "--", "true"));
        Outcome o = run(Map.of("HOME", dir.toString()), cmd.toArray(String[]::new));
        assertOneLine(o, "needs root");
        assertThat(dir.resolve("g.json")).doesNotExist();
    }

    @Test
    void record_withoutLibbpf_isRefusedWithOneLine() throws Exception {
        Outcome o = run(Map.of("CHANGEGRAPH_LIBBPF", dir.resolve("libbpf.so.1").toString()),
                Recording.launcher().toString(), "record", "-o", dir.resolve("g.json").toString(), "--", "true");
        assertOneLine(o, "libbpf");
    }

    @Test
    void launcher_withAJdkOlderThan22_isRefusedWithOneLine() throws Exception {
        Path oldJava = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
        Path java = Files.exists(oldJava) ? oldJava : Files.writeString(dir.resolve("java"), "#!/bin/sh\n");
        Outcome o = run(Map.of("CHANGEGRAPH_JAVA", java.toString()), Recording.launcher().toString(), "--version");
        assertOneLine(o, "JDK 22");
    }

    @Test
    void jar_runOnAJdkOlderThan22_saysSoInOneLine() throws Exception {
        Path oldJava = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(oldJava), "no JDK 17 on this machine");
        Path jar = Path.of(System.getenv().getOrDefault("CHANGEGRAPH_JAR", "target/changegraph.jar"));
        assertOneLine(run(Map.of(), oldJava.toString(), "-jar", jar.toString(), "--version"), "too old");
    }

    @Test
    void record_badOption_andMissingCommand_areUsageErrors() throws Exception {
        assertOneLine(run(Map.of(), Recording.launcher().toString(), "record", "--no-such-option"), "--no-such-option");
        assertOneLine(run(Map.of(), Recording.launcher().toString(), "record", "-o", dir.resolve("g.json").toString()),
                "either a command");
        assertOneLine(run(Map.of(), Recording.launcher().toString(), "record", "-o", dir.resolve("g.json").toString(),
                "--", "no-such-command-xyz"), "not found");
        assertOneLine(run(Map.of(), Recording.launcher().toString(), "record", "-o", "/no/such/dir/g.json", "--", "true"),
                "does not exist");
    }

    @Test
    void export_ofAFileThatIsNotAGraph_isOneLine() throws Exception {
        Path notGraph = Files.writeString(dir.resolve("x.json"), "{\"hello\": 1}");
        assertOneLine(run(Map.of(), Recording.launcher().toString(), "export", notGraph.toString()), "x.json");
        assertOneLine(run(Map.of(), Recording.launcher().toString(), "export", dir.resolve("none.json").toString()),
                "none.json");
    }
    @Test
    void launcher_startsWithTheBuiltAotCache() throws Exception {
        // AOTMode=on: the JVM refuses to start unless the cache beside the jar is used
        Outcome o = run(Map.of("CHANGEGRAPH_JAVA_OPTS", "-XX:AOTMode=on"), Recording.launcher().toString(), "--version");
        assertThat(o.exit()).as(o.stderr()).isZero();
        assertThat(o.stdout()).startsWith("changegraph ");
    }

    @Test
    void launcher_withADamagedOrStaleAotCache_startsWithoutIt() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Path jar = Files.copy(Path.of(System.getenv("CHANGEGRAPH_JAR")), lib.resolve("changegraph.jar"));
        String java = run(Map.of(), Recording.launcher().toString(), "--print-java").stdout().strip();
        String jarStamp = Files.size(jar) + "-" + Files.getLastModifiedTime(jar).toMillis() / 1000;
        Files.write(lib.resolve("changegraph.aot"), new byte[4096]);   // not an archive
        Map<String, String> env = Map.of("CHANGEGRAPH_JAR", jar.toString(), "HOME", dir.toString(),
                "XDG_CACHE_HOME", dir.resolve("cache").toString());
        for (String stamp : List.of(java + " " + jarStamp, java + " 1-" + jarStamp, "/no/such/java " + jarStamp)) {
            Files.writeString(lib.resolve("changegraph.aot.stamp"), stamp + "\n");
            Outcome o = run(env, Recording.launcher().toString(), "--version");
            assertThat(o.exit()).as(stamp).isZero();
            assertThat(o.stdout()).as(stamp).startsWith("changegraph ");
            assertThat(o.stderr()).as(stamp).isEmpty();
        }
    }
}
