package io.changegraph.impact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NoiseLockNameTest {
    /** The documented rule, as a regex: what the hand-written check must say for every path. */
    private static final Pattern RULE = Pattern.compile(".*(/|\\.|-)(lock|LOCK|Lock)(-frontend)?$|.*\\.(lck|LCK)$");

    @Test
    void lockNamesReadAsTheDocumentedPattern() {
        List<String> paths = List.of("/etc/passwd.lock", "/var/lib/dpkg/lock", "/var/lib/dpkg/lock-frontend",
                "/run/x.LCK", ".lck", "/lock", "lock", "/a/block", "/a/Lock", "/a/x-LOCK", "/a/x_lock", "/a/lock-frontendx",
                "/a/x.lock-frontend", "/a/-frontend", "/a/lockfile", "/a/b.lck.bak", "/a/\nb.lock", "/a/b.lock\n",
                "/a/b.lck\r", "-lock", ".Lock-frontend", "/etc/passwd.lck", "", "/");
        for (String path : paths) {
            assertEquals(RULE.matcher(path).matches(), Noise.isLockName(path), path);
        }
    }
}
