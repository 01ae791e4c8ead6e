package io.changegraph.controller;

import io.changegraph.controller.os.CpuPlacement;
import io.changegraph.controller.os.PollPriority;
import io.changegraph.controller.os.Tracing;
import io.changegraph.repository.model.ProcessNode;
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

/**
 * The recorder's decoding gives way to the traced work (low priority, kept on one CPU), and still loses nothing
 * on a saturated machine.
 */
@Tag("kernel")
@ExtendWith(RequiresRoot.class)
class RecorderPriorityIT {
    /** Prints "comm|nice|CPUs" for every thread of the recorder (the command's parent), then the command's own. */
    private static final String THREAD_NICE = """
            sleep 0.5
            cpus() { sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' $1/status; }
            for t in /proc/$PPID/task/*; do s=$(cat $t/stat); rest=${s##*) }; set -- $rest
              echo "$(cat $t/comm)|${17}|$(cpus $t)"; done > %1$s
            echo "command|$(nice)|$(cpus /proc/self)" >> %1$s
            """;

    /** One thread as /proc shows it. */
    private record ThreadState(int nice, String cpus) {
    }

    @TempDir
    Path dir;

    @Test
    void record_ringBufferThreadRunsAtNice10_theCommandAndTheRestOfTheRecorderDoNot() throws Exception {
        Map<String, List<ThreadState>> threads = threads("--low-priority");
        assertThat(threads.get("changegraph-rin")).as("the ring-buffer thread").extracting(ThreadState::nice)
                .containsExactly(PollPriority.LOW_NICE);
        assertThat(threads.get("changegraph-wat")).as("its watchdog").extracting(ThreadState::nice).containsExactly(0);
        assertThat(threads.get("command")).as("the recorded command").extracting(ThreadState::nice).containsExactly(0);
        assertThat(threads.get("java")).as("the JVM's main threads").extracting(ThreadState::nice).containsOnly(0);
    }

    @Test
    void record_keepsTheRecorderOnTheLastCpu_theWatchdogAndTheCommandOnAll() throws Exception {
        String all = CpuPlacement.list(Tracing.allowedCpus());
        String last = Integer.toString(Tracing.allowedCpus().length() - 1);
        Map<String, List<ThreadState>> threads = threads("--cpu=auto");
        boolean several = Tracing.allowedCpus().cardinality() >= 2;
        assertThat(threads.get("changegraph-rin")).as("the ring-buffer thread").extracting(ThreadState::cpus)
                .containsExactly(several ? last : all);
        assertThat(threads.get("java")).as("the JVM's main threads").extracting(ThreadState::cpus)
                .containsOnly(several ? last : all);
        assertThat(threads.get("changegraph-wat")).as("the watchdog").extracting(ThreadState::cpus).containsExactly(all);
        assertThat(threads.get("command")).as("the recorded command").extracting(ThreadState::cpus).containsExactly(all);
    }

    @Test
    void record_cpuZero_keepsTheRecorderThere_cpuNone_leavesItFree() throws Exception {
        String all = CpuPlacement.list(Tracing.allowedCpus());
        Map<String, List<ThreadState>> pinned = threads("--cpu=0");
        assertThat(pinned.get("changegraph-rin")).extracting(ThreadState::cpus).containsExactly("0");
        assertThat(pinned.get("command")).extracting(ThreadState::cpus).containsExactly(all);
        Map<String, List<ThreadState>> free = threads("--cpu=none");
        assertThat(free.get("changegraph-rin")).extracting(ThreadState::cpus).containsExactly(all);
        assertThat(free.get("java")).extracting(ThreadState::cpus).containsOnly(all);
    }

    @Test
    void record_noLowPriority_keepsTheRingBufferThreadAtNormalPriority_andFree() throws Exception {
        Map<String, List<ThreadState>> threads = threads("--no-low-priority");
        assertThat(threads.get("changegraph-rin")).extracting(ThreadState::nice).containsExactly(0);
        assertThat(threads.get("changegraph-rin")).as("auto pins only with the watchdog's safety net")
                .extracting(ThreadState::cpus).containsExactly(CpuPlacement.list(Tracing.allowedCpus()));
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

    private Map<String, List<ThreadState>> threads(String option) throws Exception {
        Path out = dir.resolve("threads-" + option);
        Recording.bash(dir, THREAD_NICE.formatted(out), option);
        return Files.readAllLines(out).stream().map(l -> l.split("\\|"))
                .collect(Collectors.groupingBy(f -> f[0], Collectors.mapping(
                        f -> new ThreadState(Integer.parseInt(f[1].strip()), f[2].strip()), Collectors.toList())));
    }
}
