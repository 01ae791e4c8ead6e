package io.changegraph.impact;

import io.changegraph.repository.Edge;
import io.changegraph.repository.FileNode;
import io.changegraph.repository.Node;
import io.changegraph.repository.RemoteNode;
import io.changegraph.repository.Verb;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The stateless noise rules of docs/impact.md ("Noise classes"): whether one edge, by its verb, outcome and
 * target, is runtime loading, a failed lookup or a package manager's bookkeeping read. Checked in that
 * order. Edges that change something (write, create, rename, unlink, chmod, ...) are never runtime loading
 * or bookkeeping, except writes to the terminal and /dev/null.
 */
final class Noise {
    private static final Set<Verb> LOOKS = Set.of(Verb.OPEN, Verb.READ);
    private static final Set<Verb> FILE_VERBS = Set.of(Verb.OPEN, Verb.CREATE, Verb.READ, Verb.WRITE, Verb.TRUNCATE,
            Verb.UNLINK, Verb.RENAME, Verb.MKDIR, Verb.RMDIR, Verb.CHMOD, Verb.CHOWN, Verb.LINK, Verb.SYMLINK, Verb.EXEC);
    private static final Pattern SHARED_LIBRARY = Pattern.compile(".*\\.so(\\.[0-9][0-9.]*)?$");
    private static final Pattern PROC_PROCESS = Pattern.compile("^/proc/(self|thread-self|[0-9]+)(/.*)?$");

    /** Runtime files read by (nearly) every process: loader, libraries, locale, gconv, nss, terminfo, time zone. */
    static final List<String> RUNTIME_PREFIXES = List.of(
            "/etc/ld.so.", "/lib/ld-linux", "/lib64/ld-linux", "/usr/lib/locale/", "/usr/share/locale/",
            "/usr/share/locale-langpack/", "/usr/share/i18n/", "/etc/locale.alias", "/usr/lib/x86_64-linux-gnu/gconv/",
            "/usr/lib/aarch64-linux-gnu/gconv/", "/usr/lib/gconv/", "/usr/lib64/gconv/", "/etc/nsswitch.conf",
            "/etc/passwd", "/etc/group", "/etc/host.conf", "/etc/hosts", "/etc/resolv.conf", "/etc/gai.conf",
            "/etc/services", "/etc/protocols", "/etc/userdb/", "/run/userdb/", "/run/host/userdb/", "/usr/lib/userdb/",
            "/usr/local/lib/userdb/", "/lib/userdb/", "/run/systemd/userdb/", "/var/run/nscd/", "/run/nscd/",
            "/usr/share/terminfo/", "/lib/terminfo/", "/etc/terminfo/", "/usr/lib/terminfo/", "/etc/localtime",
            "/usr/share/zoneinfo/", "/etc/inputrc", "/usr/lib/python3", "/usr/local/lib/python3", "/usr/lib/ssl/",
            "/etc/ssl/openssl.cnf", "/usr/share/perl", "/usr/lib/x86_64-linux-gnu/perl", "/etc/perl/",
            "/proc/filesystems", "/proc/meminfo", "/proc/cpuinfo", "/proc/stat", "/proc/sys/kernel/",
            "/proc/sys/vm/overcommit_memory", "/sys/devices/system/cpu/", "/sys/fs/cgroup/",
            "/usr/lib/x86_64-linux-gnu/glibc-hwcaps/", "/usr/lib/glibc-hwcaps/", "/etc/selinux/config");

    /** The terminal and the null device: opened and written by every shell redirection. */
    static final List<String> DEVICES = List.of("/dev/null", "/dev/tty", "/dev/pts/", "/dev/zero", "/dev/urandom",
            "/dev/random", "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/fd/", "/dev/console");

    /** A package manager's own database, read on every run. */
    static final List<String> BOOKKEEPING_PREFIXES = List.of("/var/lib/dpkg/", "/var/lib/apt/", "/var/cache/apt/",
            "/var/cache/debconf/", "/var/lib/ucf/", "/etc/apt/", "/etc/dpkg/", "/usr/share/debconf/",
            "/usr/share/perl5/Debconf/", "/var/lib/rpm/", "/usr/lib/sysimage/rpm/", "/var/lib/dnf/", "/var/cache/dnf/",
            "/var/lib/yum/", "/var/cache/yum/", "/etc/yum", "/etc/dnf/", "/var/lib/pacman/");

    /** Unix sockets every process may talk to: nscd, systemd's userdb, syslog and the journal. */
    static final List<String> UNIX_RUNTIME = List.of("/var/run/nscd/", "/run/nscd/", "/run/systemd/userdb/", "/dev/log",
            "/run/systemd/journal/");

    private static final Pattern LOCK_NAME = Pattern.compile(".*(/|\\.|-)(lock|LOCK|Lock)(-frontend)?$|.*\\.(lck|LCK)$");

    /** Whether the path is named like a lock file: {@code *.lock}, {@code .../lock}, {@code lock-frontend}, {@code *.lck}. */
    static boolean isLockName(String path) {
        return LOCK_NAME.matcher(path).matches();
    }

    private Noise() {
    }

    /** The stateless noise class of an edge to {@code target}, or null. */
    static NoiseClass of(Edge edge, Node target) {
        Verb verb = edge.verb();
        if (target instanceof FileNode file) {
            if (edge.count() > 0 && edge.failed() >= edge.count() && FILE_VERBS.contains(verb)) {
                return NoiseClass.FAILED_LOOKUP;
            }
            String path = file.path();
            if (isDevice(path) && (LOOKS.contains(verb) || verb == Verb.WRITE || verb == Verb.CREATE)) {
                return NoiseClass.RUNTIME_LOADING;
            }
            if (LOOKS.contains(verb)) {
                if (isRuntime(path)) {
                    return NoiseClass.RUNTIME_LOADING;
                }
                if (startsWithAny(path, BOOKKEEPING_PREFIXES)) {
                    return NoiseClass.PACKAGE_BOOKKEEPING;
                }
            }
            return null;
        }
        if (target instanceof RemoteNode remote && "unix".equals(remote.family())
                && startsWithAny(remote.address(), UNIX_RUNTIME)) {
            return NoiseClass.RUNTIME_LOADING;
        }
        return null;
    }

    static boolean isRuntime(String path) {
        return isSharedLibrary(path) || isProcessInfo(path) || startsWithAny(path, RUNTIME_PREFIXES)
                || path.contains("/__pycache__/");
    }

    /** {@code *.so} or {@code *.so.1.2.3} (what {@link #SHARED_LIBRARY} says, without a regex per edge). */
    static boolean isSharedLibrary(String path) {
        int so = path.lastIndexOf(".so");
        if (so < 0) {
            return false;
        }
        for (int i = so + 3; i < path.length(); i++) {
            char c = path.charAt(i);
            if (!(c == '.' || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return so + 3 == path.length() || path.charAt(so + 3) == '.' && SHARED_LIBRARY.matcher(path).matches();
    }

    /** {@code /proc/self/...}, {@code /proc/thread-self/...}, {@code /proc/<pid>/...}. */
    static boolean isProcessInfo(String path) {
        return path.startsWith("/proc/") && PROC_PROCESS.matcher(path).matches();
    }

    static boolean isDevice(String path) {
        return startsWithAny(path, DEVICES);
    }

    private static boolean startsWithAny(String path, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
