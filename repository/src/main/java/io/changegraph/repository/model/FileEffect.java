package io.changegraph.repository.model;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The net effect of a session on one path.
 *
 * @param effect     one of {@link #EFFECTS}
 * @param from       the old path of a rename, or the target of a link; else null
 * @param mode       the mode set, e.g. {@code 0640}; else null
 * @param owner      the owner set, {@code uid:gid}; else null
 * @param by         the process node id that made the effect
 * @param command    that process's argv joined by spaces
 * @param transients how many transient files (temp, lock, {@code passwd.<pid>}, {@code *.dpkg-new}, swap) folded into it
 * @param evidence   node ids and edge keys behind the effect (sorted)
 */
public record FileEffect(String path, String effect, String from, String mode, String owner, String by,
                         String command, long transients, List<String> evidence) {
    public static final Set<String> EFFECTS = Set.of("created", "modified", "replaced", "deleted", "renamed", "mode",
            "owner", "link", "mkdir", "rmdir");

    public FileEffect {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(effect, "effect");
        Objects.requireNonNull(by, "by");
        command = Objects.requireNonNullElse(command, "");
        if (!EFFECTS.contains(effect)) {
            throw new IllegalArgumentException("unknown file effect '" + effect + "' (one of " + EFFECTS.stream().sorted().toList() + ")");
        }
        if (transients < 0) {
            throw new IllegalArgumentException("negative transients on " + path);
        }
        evidence = evidence == null ? List.of() : evidence.stream().distinct().sorted().toList();
    }
}
