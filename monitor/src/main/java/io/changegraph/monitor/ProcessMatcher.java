package io.changegraph.monitor;

import io.changegraph.repository.model.ProcessNode;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Conditions on a process; every condition given must hold, a list holds when any entry does.
 *
 * @param exe  globs on the executable path
 * @param argv a regex searched in the command line (argv joined by single spaces)
 * @param uid  real uids or inclusive uid ranges ({@code 1000-65000}); {@code euid} effective ones
 */
record ProcessMatcher(List<Glob> exe, Pattern argv, List<IdRange> uid, List<IdRange> euid) {
    static final ProcessMatcher ANY = new ProcessMatcher(List.of(), null, List.of(), List.of());

    ProcessMatcher {
        exe = List.copyOf(exe);
        uid = List.copyOf(uid);
        euid = List.copyOf(euid);
    }

    /** A uid or an inclusive range of uids, {@code 0} or {@code 1000-65000}. */
    record IdRange(long low, long high) {
        IdRange {
            if (low < 0 || low > high) {
                throw new IllegalArgumentException("id range " + low + "-" + high + " is not ascending from 0");
            }
        }

        static boolean any(List<IdRange> ranges, int id) {
            for (IdRange range : ranges) {
                if (id >= range.low && id <= range.high) {
                    return true;
                }
            }
            return false;
        }
    }

    boolean isAny() {
        return exe.isEmpty() && argv == null && uid.isEmpty() && euid.isEmpty();
    }

    boolean matches(ProcessNode process) {
        if (!uid.isEmpty() && !IdRange.any(uid, process.uid())) {
            return false;
        }
        if (!euid.isEmpty() && !IdRange.any(euid, process.euid())) {
            return false;
        }
        if (!exe.isEmpty() && !anyGlob(exe, process.exe())) {
            return false;
        }
        return argv == null || argv.matcher(String.join(" ", process.argv())).find();
    }

    static boolean anyGlob(List<Glob> globs, String path) {
        for (Glob glob : globs) {
            if (glob.matches(path)) {
                return true;
            }
        }
        return false;
    }
}
