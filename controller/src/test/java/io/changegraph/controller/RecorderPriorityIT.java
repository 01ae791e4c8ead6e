package io.changegraph.controller;

import io.changegraph.repository.ProcessNode;
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
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The recorder's decoding gives way to the traced work, and still loses nothing on a saturated machine. */
@Tag("kernel")
@ExtendWith(RequiresRoot.class)
class RecorderPriorityIT {
    /** Prints "comm|nice" for every thread of the recorder (the command's parent), then the command's own. */
    private static final String THREAD_NICE = """
            sleep 0.5
            for t in /proc/$PPID/task/*; do s=$(cat $t/stat); rest=${s##*) }; set -- $rest
              echo "$(cat $t/comm)|${17}"; done > %1$s
            echo "command|$(nice)" >> %1$s
            """;

    @TempDir
    Path dir;

    @Test
    void record_ringBufferThreadRunsAtNice10_theCommandAndTheRestOfTheRecorderDoNot() throws Exception {
        Map<String, List<Integer>> nice = threadNice("--low-priority");
        assertThat(nice.get("changegraph-rin")).as("the ring-buffer thread").containsExactly(PollPriority.LOW_NICE);
        assertThat(nice.get("changegraph-wat")).as("its watchdog").containsExactly(0);
        assertThat(nice.get("command")).as("the recorded command").containsExactly(0);
        assertThat(nice.get("java")).as("the JVM's main threads").containsOnly(0);
    }

    @Test
    void record_noLowPriority_keepsTheRingBufferThreadAtNormalPriority() throws Exception {
        assertThat(threadNice("--no-low-priority").get("changegraph-rin")).containsExactly(0);
    }

    @Test
    void record_onAMachineSaturatedByOtherWork_losesNothing() throws Exception {
        int hogs = 4 * Runtime.getRuntime().availableProcessors();
        List<Process> burners = new ArrayList<>();
        try {
            for (int i = 0; i < hogs; i++) {
                burners.add(new ProcessBuilder("/bin/bash", "-c", "while :; do :; done").start());
            }
            // ~30 records per cat: far more than the small ring buffer holds at once
            Recording r = Recording.bash(dir, "for i in $(seq 1 300); do cat /etc/hostname > /dev/null; done",
                    "--ring-buffer-mb", "1");   // Recording.bash asserts nothing lost in kernel or user space
            List<ProcessNode> cats = r.processes("cat");
            assertThat(cats).hasSize(300);
        } finally {
            burners.forEach(Process::destroyForcibly);
            for (Process p : burners) {
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private Map<String, List<Integer>> threadNice(String option) throws Exception {
        Path out = dir.resolve("threads-" + option);
        Recording.bash(dir, THREAD_NICE.formatted(out), option);
        return Files.readAllLines(out).stream().map(l -> l.split("\\|"))
                .collect(Collectors.groupingBy(f -> f[0], Collectors.mapping(f -> Integer.parseInt(f[1].strip()),
                        Collectors.toList())));
    }
}
