package io.changegraph.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The agent process' own CPU (between two readings, percent of one CPU) and resident memory. */
final class ProcessUsage {
    private long lastCpuNanos = cpuNanos();
    private long lastWall = System.nanoTime();
    private double lastPercent;

    /** CPU in percent of one CPU since the previous call (the previous figure when called again within 100 ms). */
    synchronized double cpuPercent() {
        long now = System.nanoTime();
        long cpu = cpuNanos();
        if (now - lastWall >= 100_000_000L) {
            lastPercent = Math.max(0, 100.0 * (cpu - lastCpuNanos) / (now - lastWall));
            lastCpuNanos = cpu;
            lastWall = now;
        }
        return lastPercent;
    }

    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** VmRSS of /proc/self/status in bytes, 0 when it cannot be read. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
