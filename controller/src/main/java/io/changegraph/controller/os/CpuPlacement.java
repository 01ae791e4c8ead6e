package io.changegraph.controller.os;

import io.changegraph.controller.UsageException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which CPU the recorder's threads stay on ({@code record --cpu}), and the pinning itself.
 *
 * <p>Why: on a small machine a recorder thread that the scheduler lets wander lands, at each wakeup, on the
 * CPU of the process it records (the probes wake it from there) and pushes that process aside. Kept on one CPU,
 * the recorder costs the recorded work a few percent instead of ten and more (bench/README.md). The CPU is the
 * last one the recorder may run on: CPU 0 usually takes the most interrupts.
 *
 * @param mode what was asked for
 * @param cpu  the CPU asked for with {@link Mode#CPU}, otherwise -1
 */
public record CpuPlacement(Mode mode, int cpu) {
    public enum Mode {
        /** one CPU when the recorder may use two or more and its ring-buffer thread can be raised */
        AUTO,
        /** no pinning: the scheduler places the threads */
        NONE,
        /** this CPU */
        CPU
    }

    public static final CpuPlacement AUTO = new CpuPlacement(Mode.AUTO, -1);

    public CpuPlacement {
        if ((mode == Mode.CPU) != (cpu >= 0)) {
            throw new IllegalArgumentException("a CPU number goes with Mode.CPU only: " + mode + " " + cpu);
        }
    }

    /** Parses {@code --cpu}: {@code auto}, {@code none} or a CPU number. */
    public static CpuPlacement parse(String text) {
        String t = text.strip();
        if (t.equals("auto")) {
            return AUTO;
        }
        if (t.equals("none")) {
            return new CpuPlacement(Mode.NONE, -1);
        }
        try {
            int cpu = Integer.parseInt(t);
            if (cpu >= 0) {
                return new CpuPlacement(Mode.CPU, cpu);
            }
        } catch (NumberFormatException e) {
            // the message below says what is accepted
        }
        throw new UsageException("--cpu must be auto, none or a CPU number (e.g. --cpu 1), not '" + text + "'");
    }

    /**
     * The CPU to keep the recorder on, given the CPUs it may run on; empty for none.
     *
     * @param canRaise whether a watchdog frees the ring-buffer thread (raises it, on any CPU) when records
     *                 pile up: automatic pinning only with that safety net
     * @throws UsageException when an explicit CPU is not one of {@code allowed}
     */
    public OptionalInt choose(BitSet allowed, boolean canRaise) {
        return switch (mode) {
            case NONE -> OptionalInt.empty();
            case AUTO -> canRaise && allowed.cardinality() >= 2 ? OptionalInt.of(allowed.length() - 1) : OptionalInt.empty();
            case CPU -> {
                if (!allowed.get(cpu)) {
                    throw new UsageException("--cpu " + cpu + ": this process may run on CPUs " + list(allowed)
                            + " only; give one of them, auto or none");
                }
                yield OptionalInt.of(cpu);
            }
        };
    }

    /** "0-3,6" style, like /proc's Cpus_allowed_list. */
    public static String list(BitSet cpus) {
        StringBuilder s = new StringBuilder();
        for (int from = cpus.nextSetBit(0); from >= 0; ) {
            int to = cpus.nextClearBit(from) - 1;
            s.append(s.isEmpty() ? "" : ",").append(from).append(from == to ? "" : "-" + to);
            from = cpus.nextSetBit(to + 1);
        }
        return s.toString();
    }

    static BitSet only(int cpu) {
        BitSet one = new BitSet();
        one.set(cpu);
        return one;
    }

    /**
     * Keeps every thread of this process but {@code except} on {@code cpu}; threads they start later inherit
     * it. Returns how many threads were pinned.
     */
    static int pinThisProcess(int cpu, Set<Integer> except) throws IOException {
        BitSet one = only(cpu);
        Set<Integer> done = new TreeSet<>(except);
        // twice: a thread started by a not-yet-pinned thread during the first pass is caught by the second
        for (int pass = 0; pass < 2; pass++) {
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                for (Path task : tasks) {
                    int tid = Integer.parseInt(task.getFileName().toString());
                    if (done.add(tid)) {
                        try {
                            LibC.setCpuAffinity(tid, one);
                        } catch (LibC.NativeException e) {
                            if (Files.exists(task)) {   // a thread that has just ended is no failure
                                throw e;
                            }
                        }
                    }
                }
            }
        }
        return done.size() - except.size();
    }
}
