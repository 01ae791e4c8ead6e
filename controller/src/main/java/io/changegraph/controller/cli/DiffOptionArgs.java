package io.changegraph.controller.cli;

import io.changegraph.repository.diff.DiffOptions;
import io.changegraph.repository.diff.Normalization;
import io.changegraph.repository.diff.RemoteMatch;
import io.changegraph.repository.model.Verb;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The comparison options of {@code changegraph diff}, as a picocli mixin for other commands that compare
 * (serve's diff view): normalisation file, ignored paths and verbs, count tolerance, remote matching.
 */
final class DiffOptionArgs {
    @Option(names = "--normalize", paramLabel = "FILE",
            description = "diff: normalisation rules (YAML or JSON) instead of the defaults")
    Path normalize;

    @Option(names = "--ignore-path", paramLabel = "GLOB",
            description = "diff: leave out files with a matching path, as recorded or normalised (repeatable)")
    List<String> ignorePaths = new ArrayList<>();

    @Option(names = "--ignore-verb", paramLabel = "VERB", description = "diff: leave out a verb, e.g. read (repeatable)")
    List<String> ignoreVerbs = new ArrayList<>();

    @Option(names = "--count-tolerance", paramLabel = "RATIO",
            description = "diff: report a count or byte difference of this factor or more (default 10; 0: never)")
    Double countTolerance;

    @Option(names = "--remote-match", paramLabel = "full|port|host",
            description = "diff: match remote endpoints by address and port (full), port only, or host only")
    String remoteMatch;

    /** The options given, over {@link DiffOptions#defaults()}; an unusable value is an IllegalArgumentException. */
    DiffOptions options() {
        DiffOptions options = DiffOptions.defaults();
        if (normalize != null) {
            options = options.withNormalization(Normalization.load(normalize));
        }
        if (!ignorePaths.isEmpty()) {
            options = options.withIgnorePaths(ignorePaths);
        }
        if (!ignoreVerbs.isEmpty()) {
            Set<Verb> verbs = EnumSet.noneOf(Verb.class);
            ignoreVerbs.forEach(verb -> verbs.add(Verb.fromWire(verb)));
            options = options.withIgnoreVerbs(verbs);
        }
        if (countTolerance != null) {
            options = options.withCountTolerance(countTolerance);
        }
        if (remoteMatch != null) {
            try {
                options = options.withRemoteMatch(RemoteMatch.valueOf(remoteMatch.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--remote-match must be full, port or host, not '" + remoteMatch + "'");
            }
        }
        return options;
    }
}
