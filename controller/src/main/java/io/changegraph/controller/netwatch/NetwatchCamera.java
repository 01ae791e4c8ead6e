package io.changegraph.controller.netwatch;

import io.changegraph.consumer.HostNames;
import io.changegraph.controller.UsageException;
import io.changegraph.controller.os.EnvironmentCheck;
import io.changegraph.probes.NetwatchProbe;
import io.changegraph.probes.ProbeException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * The host-wide TCP anomaly camera's loop, shared by {@code changegraph netwatch} and the agent's
 * {@code netwatch:}: opens the netwatch probes, polls them into a {@link NetwatchTable} and hands each interval on.
 */
public final class NetwatchCamera {
    /** DNS names kept when the caller does not say. */
    public static final int DEFAULT_MAX_NAMES = 4096;
    static final int MAX_CGROUPS = 4096;
    static final int MAX_EXECUTABLES = 4096;
    /** How long a poll waits at most: how soon a stop is seen. */
    static final Duration POLL = Duration.ofMillis(200);
    /**
     * How often the in-kernel sums are drained within an interval (and at its end): often enough to read a
     * process's executable while it usually still runs, seldom enough to cost nothing measurable.
     */
    static final Duration DRAIN_EVERY = Duration.ofSeconds(1);

    private NetwatchCamera() {
    }

    /** Receives each interval as it ends: its rows and what was lost in the kernel during it. */
    public interface IntervalSink {
        void accept(Instant end, NetwatchTable.Interval interval, long lost);
    }

    /**
     * Opens, loads and attaches the netwatch probes (the connect hooks on the host's cgroup2 root, mounted first
     * when there is none); {@code dns} false leaves the DNS answer program out.
     */
    public static NetwatchProbe open(boolean dns) {
        Path cgroupRoot = new EnvironmentCheck().requireCgroup2();
        NetwatchProbe probe = NetwatchProbe.open();
        try {
            probe.configure(1 << 20, dns).load().attach(cgroupRoot);
            return probe;
        } catch (ProbeException | IllegalStateException e) {
            probe.close();
            throw new UsageException("cannot start the netwatch probes: " + e.getMessage());
        }
    }

    /**
     * Polls {@code probe} into {@code flows} and hands each interval to {@code sink}, for {@code count} intervals
     * (0: until {@code go} says stop; it is asked at least every 200 ms), naming destinations by the DNS answers the
     * probe reports (at most {@code maxNames} kept) and cgroup ids by the host's cgroup2 tree.
     */
    public static void watch(NetwatchProbe probe, Duration every, int count, NetwatchTable flows, int maxNames,
                             BooleanSupplier go, IntervalSink sink) {
        watch(probe, every, count, flows, new HostNames(maxNames), CgroupNames.host(MAX_CGROUPS), go, sink);
    }

    static void watch(NetwatchProbe probe, Duration every, int count, NetwatchTable flows, HostNames names,
                      CgroupNames cgroups, BooleanSupplier go, IntervalSink sink) {
        Executables executables = new Executables(MAX_EXECUTABLES);
        long[] lostBefore = probe.lost();
        long answersBefore = names.answers();
        long forgottenBefore = names.evicted();
        for (int n = 0; (count == 0 || n < count) && go.getAsBoolean(); n++) {
            long end = System.nanoTime() + every.toNanos();
            long left;
            long drained = System.nanoTime();
            boolean last = false;
            while (!last) {
                left = end - System.nanoTime();
                last = left <= POLL.toNanos() || !go.getAsBoolean();   // the interval's last poll drains its sums
                boolean drain = last || System.nanoTime() - drained >= DRAIN_EVERY.toNanos();
                probe.poll((int) Math.max(1, Math.min(POLL.toMillis(), left / 1_000_000)),
                        dns -> names.learn(dns.message()),
                        flow -> flows.add(flow, executables.of(flow.tgid(), flow.comm()), cgroups.of(flow.cgroupId()),
                                names.nameOf(flow.address()).orElse(null)), drain);
                if (drain) {
                    drained = System.nanoTime();
                }
            }
            long[] lost = probe.lost();
            long lostNow = 0;
            for (int i = 0; i < lost.length; i++) {
                lostNow += lost[i] - lostBefore[i];
            }
            lostBefore = lost;
            sink.accept(Instant.now(), flows.take().withNames(names.answers() - answersBefore,
                    names.evicted() - forgottenBefore), lostNow);
            answersBefore = names.answers();
            forgottenBefore = names.evicted();
        }
    }

    /**
     * Executables of the processes seen, remembered per (tgid, comm) so that a process's sums drained after it
     * exited still land on its executable's row (LRU, at most {@code capacity}; a new comm of a reused tgid is a new
     * entry). Only names that were read are remembered: a process already gone is {@code [comm]} and asked again.
     */
    static final class Executables {
        private record Pid(int tgid, String comm) {
        }

        private final java.util.LinkedHashMap<Pid, String> known;

        Executables(int capacity) {
            known = new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<Pid, String> eldest) {
                    return size() > capacity;
                }
            };
        }

        String of(int tgid, String comm) {
            Pid pid = new Pid(tgid, comm);
            String exe = known.get(pid);
            if (exe == null) {
                exe = executable(tgid, comm);
                if (!exe.startsWith("[")) {
                    known.put(pid, exe);
                }
            }
            return exe;
        }
    }

    /** The process's executable while it runs, else its comm in brackets ({@code [curl]}). */
    static String executable(int tgid, String comm) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Integer.toString(tgid), "exe")).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "[" + comm + "]";
        }
    }
}
