package io.changegraph.repository.diff;

import io.changegraph.repository.model.Verb;
import java.nio.file.FileSystems;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How {@link GraphDiff} compares two graphs.
 *
 * @param normalization  which strings are treated as equal (temp names, homes, user, host, pids)
 * @param ignorePaths    glob patterns ({@code /var/log/**}) on paths, as recorded or normalised ({@code ~/.cache/**}):
 *                       edges to files that had a matching path are left out
 * @param ignoreVerbs    verbs left out of the comparison ({@code exit} also leaves out exit statuses)
 * @param countTolerance an edge is changed when its count or bytes differ by this factor or more (zero counts as
 *                       one); 0 compares no counts
 * @param remoteMatch    how remote endpoints are matched
 */
public record DiffOptions(Normalization normalization, List<String> ignorePaths, Set<Verb> ignoreVerbs,
                          double countTolerance, RemoteMatch remoteMatch) {
    public static final double DEFAULT_COUNT_TOLERANCE = 10;

    public DiffOptions {
        Objects.requireNonNull(normalization, "normalization");
        Objects.requireNonNull(remoteMatch, "remoteMatch");
        ignorePaths = List.copyOf(ignorePaths);
        for (String glob : ignorePaths) {
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + glob);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad path glob '" + glob + "': " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        ignoreVerbs = ignoreVerbs.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(ignoreVerbs));
        if (countTolerance != 0 && !(countTolerance >= 1)) {
            throw new IllegalArgumentException("count tolerance must be 0 (off) or a ratio >= 1, not " + countTolerance);
        }
    }

    public static DiffOptions defaults() {
        return new DiffOptions(Normalization.defaults(), List.of(), Set.of(), DEFAULT_COUNT_TOLERANCE, RemoteMatch.FULL);
    }

    public DiffOptions withNormalization(Normalization newNormalization) {
        return new DiffOptions(newNormalization, ignorePaths, ignoreVerbs, countTolerance, remoteMatch);
    }

    public DiffOptions withIgnorePaths(List<String> globs) {
        return new DiffOptions(normalization, globs, ignoreVerbs, countTolerance, remoteMatch);
    }

    public DiffOptions withIgnoreVerbs(Set<Verb> verbs) {
        return new DiffOptions(normalization, ignorePaths, verbs, countTolerance, remoteMatch);
    }

    public DiffOptions withCountTolerance(double ratio) {
        return new DiffOptions(normalization, ignorePaths, ignoreVerbs, ratio, remoteMatch);
    }

    public DiffOptions withRemoteMatch(RemoteMatch match) {
        return new DiffOptions(normalization, ignorePaths, ignoreVerbs, countTolerance, match);
    }
}
