package io.changegraph.consumer;

import java.nio.file.Files;
import java.nio.file.Path;

/** Best-effort facts about a process outside the followed tree (the target of a signal). */
@FunctionalInterface
interface ProcessLookup {
    /** The executable of {@code pid}, "" when it cannot be read (gone, no permission). */
    String exe(int pid);

    /** Reads {@code <procRoot>/<pid>/exe}. */
    static ProcessLookup proc(Path procRoot) {
        return pid -> {
            try {
                return Files.readSymbolicLink(procRoot.resolve(Integer.toString(pid)).resolve("exe")).toString();
            } catch (Exception e) {
                return "";
            }
        };
    }
}
