package io.changegraph.monitor;

import io.changegraph.repository.ProcessNode;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Conditions on a process; every condition given must hold, a list holds when any entry does.
 *
 * @param exe  globs on the executable path
 * @param argv a regex searched in the command line (argv joined by single spaces)
 * @param uid  real uids; {@code euid} effective uids
 */
record ProcessMatcher(List<Glob> exe, Pattern argv, Set<Integer> uid, Set<Integer> euid) {
    static final ProcessMatcher ANY = new ProcessMatcher(List.of(), null, Set.of(), Set.of());

    ProcessMatcher {
        exe = List.copyOf(exe);
        uid = Set.copyOf(uid);
        euid = Set.copyOf(euid);
    }

    boolean isAny() {
        return exe.isEmpty() && argv == null && uid.isEmpty() && euid.isEmpty();
    }

    boolean matches(ProcessNode process) {
        if (!uid.isEmpty() && !uid.contains(process.uid())) {
            return false;
        }
        if (!euid.isEmpty() && !euid.contains(process.euid())) {
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
