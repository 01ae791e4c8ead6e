package io.changegraph.controller.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Facts about this host and this process, read from {@code /proc} (no DNS, no native call). */
public final class Host {
    private static final Path PROC = Path.of("/proc");

    private Host() {
    }

    /**
     * Time since this process (the launcher, which execs the JVM) was started, from the boot clock:
     * {@code /proc/self/stat} starttime against {@code /proc/uptime}, both in 10 ms ticks.
     */
    public static Duration sinceProcessStart() {
        try {
            String stat = Files.readString(PROC.resolve("self/stat"));
            long startTicks = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
            double uptime = Double.parseDouble(Files.readString(PROC.resolve("uptime")).split(" ")[0]);
            return Duration.ofMillis(Math.max(0, Math.round(uptime * 1000) - startTicks * 10));
        } catch (IOException | RuntimeException e) {
            return Duration.ZERO;
        }
    }

    /** The kernel's host name (no DNS lookup: it can hang on a host with a broken resolver). */
    public static String name() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
    }

    /** This process's real uid from {@code /proc/self/status}; -1 when it cannot be read. */
    public static int currentUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }
}
