package io.changegraph.impact;

import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Verb;
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

    private static final Prefixes RUNTIME_INDEX = new Prefixes(RUNTIME_PREFIXES);
    private static final Prefixes DEVICE_INDEX = new Prefixes(DEVICES);
    private static final Prefixes BOOKKEEPING_INDEX = new Prefixes(BOOKKEEPING_PREFIXES);
    private static final Prefixes UNIX_RUNTIME_INDEX = new Prefixes(UNIX_RUNTIME);

    private static final Pattern LOCK_NAME = Pattern.compile(".*(/|\\.|-)(lock|LOCK|Lock)(-frontend)?$|.*\\.(lck|LCK)$");

    /**
     * Whether the path is named like a lock file: {@code *.lock}, {@code .../lock}, {@code lock-frontend},
     * {@code *.lck} (what {@link #LOCK_NAME} says, without a regex per file).
     */
    static boolean isLockName(String path) {
        if (path.endsWith(".lck") || path.endsWith(".LCK")) {
            return noLineBreak(path);
        }
        int end = path.endsWith("-frontend") ? path.length() - "-frontend".length() : path.length();
        return lockWordBefore(path, end) && noLineBreak(path);
    }

    /** {@code lock}, {@code LOCK} or {@code Lock} ending at {@code end}, after a '/', '.' or '-'. */
    private static boolean lockWordBefore(String path, int end) {
        int start = end - 4;
        if (start < 1) {
            return false;
        }
        char before = path.charAt(start - 1);
        if (before != '/' && before != '.' && before != '-') {
            return false;
        }
        return path.startsWith("lock", start) || path.startsWith("LOCK", start) || path.startsWith("Lock", start);
    }

    /** {@link #LOCK_NAME}'s {@code .*} does not cross line terminators. */
    private static boolean noLineBreak(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return false;
            }
        }
        return true;
    }

    private Noise() {
    }

    /** What a path is to the rules: {@link #DEVICE}, {@link #RUNTIME}, {@link #BOOKKEEPING} or {@link #OTHER}. */
    static final int OTHER = 0;
    static final int DEVICE = 1;
    static final int RUNTIME = 2;
    static final int BOOKKEEPING = 3;

    static int pathKind(String path) {
        if (isDevice(path)) {
            return DEVICE;
        }
        if (isRuntime(path)) {
            return RUNTIME;
        }
        return BOOKKEEPING_INDEX.matchesStartOf(path) ? BOOKKEEPING : OTHER;
    }

    /** The stateless noise class of an edge to {@code target}, or null. */
    static NoiseClass of(Edge edge, Node target) {
        return of(edge, target, target instanceof FileNode file ? pathKind(file.path()) : OTHER);
    }

    /** The same, with the target's {@link #pathKind} already known (it is the same for every edge to a file). */
    static NoiseClass of(Edge edge, Node target, int pathKind) {
        Verb verb = edge.verb();
        if (target instanceof FileNode) {
            if (edge.count() > 0 && edge.failed() >= edge.count() && FILE_VERBS.contains(verb)) {
                return NoiseClass.FAILED_LOOKUP;
            }
            if (pathKind == DEVICE && (LOOKS.contains(verb) || verb == Verb.WRITE || verb == Verb.CREATE)) {
                return NoiseClass.RUNTIME_LOADING;
            }
            if (LOOKS.contains(verb)) {
                if (pathKind == RUNTIME) {
                    return NoiseClass.RUNTIME_LOADING;
                }
                if (pathKind == BOOKKEEPING) {
                    return NoiseClass.PACKAGE_BOOKKEEPING;
                }
            }
            return null;
        }
        if (target instanceof RemoteNode remote && "unix".equals(remote.family())
                && UNIX_RUNTIME_INDEX.matchesStartOf(remote.address())) {
            return NoiseClass.RUNTIME_LOADING;
        }
        return null;
    }

    static boolean isRuntime(String path) {
        return isSharedLibrary(path) || isProcessInfo(path) || RUNTIME_INDEX.matchesStartOf(path)
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
        return DEVICE_INDEX.matchesStartOf(path);
    }

    /** Prefixes grouped by their first path segment ({@code /etc/}, {@code /usr/}): a path is compared with a few, not all. */
    private static final class Prefixes {
        private final java.util.Map<String, List<String>> bySegment = new java.util.HashMap<>();
        private final List<String> others = new java.util.ArrayList<>();

        Prefixes(List<String> prefixes) {
            for (String prefix : prefixes) {
                String segment = segment(prefix);
                if (segment == null) {
                    others.add(prefix);
                } else {
                    bySegment.computeIfAbsent(segment, k -> new java.util.ArrayList<>()).add(prefix);
                }
            }
        }

        boolean matchesStartOf(String path) {
            String segment = segment(path);
            List<String> candidates = segment == null ? null : bySegment.get(segment);
            return (candidates != null && any(path, candidates)) || any(path, others);
        }

        /** {@code /etc/} of {@code /etc/passwd}; null when the string has no second slash. */
        private static String segment(String path) {
            int slash = path.indexOf('/', 1);
            return path.startsWith("/") && slash > 0 ? path.substring(0, slash + 1) : null;
        }

        private static boolean any(String path, List<String> prefixes) {
            for (String prefix : prefixes) {
                if (path.startsWith(prefix)) {
                    return true;
                }
            }
            return false;
        }
    }
}
