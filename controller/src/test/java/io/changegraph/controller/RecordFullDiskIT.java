package io.changegraph.controller;

import io.changegraph.repository.formats.GraphJson;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code record -o} onto a real full file system (a 1 MiB tmpfs mounted here): the command's own exit status
 * stays, the failure is one line naming the fallback file in $TMPDIR, and no live snapshot is left at -o.
 */
@Tag("kernel")
@ExtendWith(RequiresRoot.class)
class RecordFullDiskIT {
    @TempDir
    Path dir;

    @Test
    void record_outputOnAFullDisk_keepsTheCommandsStatus_removesTheLiveSnapshot_fallsBackToTmpdir() throws Exception {
        Path small = Files.createDirectories(dir.resolve("small"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        mount(small);
        try {
            Path output = small.resolve("change.json");
            // a snapshot is written while there is room; then the command fills the disk and exits 7
            String script = "sleep 2.5; head -c 4M /dev/zero > " + small.resolve("fill") + " 2>/dev/null; exit 7";
            Recording r = Recording.run(Map.of("TMPDIR", tmp.toString()), null, "record", "-o", output.toString(),
                    "--flush-interval", "1", "--", "/bin/sh", "-c", script);
            assertThat(r.exitCode).as(r.stderr).isEqualTo(7);
            Matcher m = Pattern.compile("cannot write " + Pattern.quote(output.toString())
                    + " \\(.*\\); the graph is saved as (\\S+) instead").matcher(r.stderr);
            assertThat(m.find()).as(r.stderr).isTrue();
            Path fallback = Path.of(m.group(1));
            assertThat(fallback.getParent()).isEqualTo(tmp);
            assertThat(GraphJson.read(fallback).session().ended()).isNotNull();
            assertThat(r.stderr).doesNotContain("Exception");
            if (Files.exists(output)) {   // never a graph that says the session is still live
                assertThat(GraphJson.read(output).session().ended()).isNotNull();
            }
            assertThat(r.stderr).contains("live snapshot at " + output + " was removed");
        } finally {
            new ProcessBuilder("umount", "-l", small.toString()).inheritIO().start().waitFor();
        }
    }

    private static void mount(Path at) throws Exception {
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", at.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("mount: " + out).isZero();
    }
}
