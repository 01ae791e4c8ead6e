package io.changegraph.controller.os;

import io.changegraph.controller.UsageException;
import io.changegraph.probes.Cgroup2;
import io.changegraph.probes.TraceProbe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What recording needs from this machine, checked before anything is loaded; each failed check is
 * one {@link UsageException} saying what to do (exit code 2).
 */
public final class EnvironmentCheck {
    static final int MIN_JDK = 22;
    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_SYS_NICE = 23;
    private static final int CAP_PERFMON = 38;
    private static final int CAP_BPF = 39;
    static final Path TRACEFS = Path.of("/sys/kernel/tracing");
    /** Where a cgroup2 hierarchy is mounted when the host has none. */
    static final Path OWN_CGROUP2 = Path.of("/run/changegraph/cgroup2");
    private static final Path BTF = Path.of("/sys/kernel/btf/vmlinux");

    private final Path procSelfStatus;

    public EnvironmentCheck() {
        this(Path.of("/proc/self/status"));
    }

    public EnvironmentCheck(Path procSelfStatus) {
        this.procSelfStatus = procSelfStatus;
    }

    /** Runs every check in the order a user can fix them. */
    public void requireRecordingPossible() {
        requireJdk(Runtime.version().feature());
        requirePrivileges(readEffectiveCapabilities());
        requireBtf(BTF);
        TraceProbe.libbpfProblem().ifPresent(problem -> {
            throw new UsageException(problem);
        });
    }

    static void requireJdk(int feature) {
        if (feature < MIN_JDK) {
            throw new UsageException("Java " + feature + " is too old: changegraph needs a JDK " + MIN_JDK
                    + " or newer (set JAVA_HOME or CHANGEGRAPH_JAVA to one)");
        }
    }

    static void requirePrivileges(long capEff) {
        boolean bpf = (capEff & (1L << CAP_BPF)) != 0 && (capEff & (1L << CAP_PERFMON)) != 0;
        boolean admin = (capEff & (1L << CAP_SYS_ADMIN)) != 0;
        if (!bpf && !admin) {
            throw new UsageException("recording needs root (or CAP_BPF and CAP_PERFMON): run it with sudo");
        }
    }

    static void requireBtf(Path btf) {
        if (!Files.isReadable(btf)) {
            throw new UsageException("this kernel has no BTF (" + btf + " is missing): changegraph needs a kernel"
                    + " built with CONFIG_DEBUG_INFO_BTF=y (most distribution kernels since 5.x)");
        }
    }

    /** tp/ programs need tracefs; mount it when it is not (root may). The shipped probes are all tp_btf. */
    void requireTracefs() {
        if (!Files.isDirectory(TRACEFS.resolve("events"))) {
            mount("tracefs", "nodev", TRACEFS, () -> Files.isDirectory(TRACEFS.resolve("events")));
        }
    }

    /**
     * Where the host's cgroup2 hierarchy is mounted (netwatch's connect hooks attach to its root); on a host that
     * uses only cgroup v1 and has none, it is mounted at {@link #OWN_CGROUP2} (root may; every process is in its
     * root then).
     */
    public Path requireCgroup2() {
        return Cgroup2.hostMount().orElseGet(() -> {
            try {
                Files.createDirectories(OWN_CGROUP2);
            } catch (IOException e) {
                throw new UsageException("no cgroup2 file system is mounted and " + OWN_CGROUP2 + " cannot be made ("
                        + e.getMessage() + "): run 'mount -t cgroup2 none /sys/fs/cgroup/unified' as root");
            }
            mount("cgroup2", "none", OWN_CGROUP2, () -> Cgroup2.hostMount().isPresent());
            return OWN_CGROUP2;
        });
    }

    /** Mounts a file system of {@code type} at {@code at}; one clear line when it fails. */
    private static void mount(String type, String source, Path at, java.util.function.BooleanSupplier mounted) {
        String how = "run 'mount -t " + type + " " + source + " " + at + "' as root";
        try {
            Process mount = new ProcessBuilder("mount", "-t", type, source, at.toString())
                    .redirectErrorStream(true).start();
            String out = new String(mount.getInputStream().readAllBytes()).strip();
            if (!mount.waitFor(10, TimeUnit.SECONDS) || mount.exitValue() != 0 || !mounted.getAsBoolean()) {
                throw new UsageException(type + " is not mounted at " + at + " and mounting it failed (" + out + "): "
                        + how);
            }
        } catch (IOException e) {
            throw new UsageException(type + " is not mounted at " + at + ": " + how + " (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UsageException("interrupted while mounting " + type);
        }
    }

    /** Whether this process may raise a thread it lowered (nice > 0) back to nice 0: CAP_SYS_NICE. */
    boolean canRaisePriority() {
        return (readEffectiveCapabilities() & (1L << CAP_SYS_NICE)) != 0;
    }

    long readEffectiveCapabilities() {
        try {
            for (String line : Files.readAllLines(procSelfStatus)) {
                if (line.startsWith("CapEff:")) {
                    return Long.parseUnsignedLong(line.substring(7).strip(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through: treated as no capabilities
        }
        return 0;
    }
}
