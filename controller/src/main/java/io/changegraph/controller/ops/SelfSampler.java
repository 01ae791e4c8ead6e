package io.changegraph.controller.ops;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Measures this process: CPU time of all its threads ({@code CLOCK_PROCESS_CPUTIME_ID} through the JVM), resident
 * memory ({@code /proc/self/statm}) and the heap left in use by the last collection of each heap pool. Each
 * {@link #sample} covers the time since the previous one. One call costs a clock read, one small /proc read
 * and a walk over a handful of memory pools.
 */
final class SelfSampler {
    private static final Path STATM = Path.of("/proc/self/statm");
    private static final Path ONLINE = Path.of("/sys/devices/system/cpu/online");
    private static final long PAGE = 4096;

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported()).toList();
    private final long maxHeap = Runtime.getRuntime().maxMemory();
    private final int hostCpus = hostCpus();
    private long lastCpuNs;
    private long lastWallNs;

    SelfSampler() {
        lastCpuNs = os.getProcessCpuTime();
        lastWallNs = System.nanoTime();
    }

    /** The host's online CPUs (not this process's affinity: the recorder keeps itself on one). */
    static int hostCpus() {
        try {
            return cpuCount(Files.readString(ONLINE));
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    /** The number of CPUs in a kernel CPU list like {@code 0-3,8,10-11}. */
    static int cpuCount(String list) {
        int count = 0;
        for (String part : list.strip().split(",")) {
            int dash = part.indexOf('-');
            count += dash < 0 ? 1 : Integer.parseInt(part.substring(dash + 1)) - Integer.parseInt(part.substring(0, dash)) + 1;
        }
        if (count < 1) {
            throw new IllegalArgumentException("no CPUs in '" + list + "'");
        }
        return count;
    }

    int cpus() {
        return hostCpus;
    }

    /** CPU time of the whole process so far, in nanoseconds. */
    long cpuNanos() {
        return os.getProcessCpuTime();
    }

    /** The cost since the previous sample. */
    SelfSample sample() {
        long cpu = os.getProcessCpuTime();
        long wall = System.nanoTime();
        double percent = wall > lastWallNs && cpu >= lastCpuNs
                ? 100.0 * (cpu - lastCpuNs) / ((double) (wall - lastWallNs) * hostCpus) : 0;
        lastCpuNs = cpu;
        lastWallNs = wall;
        return new SelfSample(percent, rssBytes(), heapPercent());
    }

    static long rssBytes() {
        try {
            String[] fields = Files.readString(STATM).strip().split(" ");
            return Long.parseLong(fields[1]) * PAGE;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private double heapPercent() {
        if (maxHeap <= 0 || maxHeap == Long.MAX_VALUE) {
            return 0;
        }
        long live = 0;
        for (MemoryPoolMXBean pool : heapPools) {
            MemoryUsage after = pool.getCollectionUsage();
            if (after != null) {
                live += after.getUsed();
            }
        }
        return 100.0 * live / maxHeap;
    }
}
