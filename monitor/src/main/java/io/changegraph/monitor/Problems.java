package io.changegraph.monitor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects located validation errors: {@code file:line:column: what is wrong; hint}. */
final class Problems {
    private static final int MAX = 100;
    private final List<Located> problems = new ArrayList<>();

    private record Located(YamlTree.Loc loc, String text) {
    }

    void add(YamlTree.Loc loc, String what, String hint) {
        if (problems.size() < MAX) {
            problems.add(new Located(loc, loc + ": " + what + (hint == null || hint.isEmpty() ? "" : "; " + hint)));
        }
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** The problems in file order (line, then column); the first of equal locations first. */
    List<String> messages() {
        return problems.stream()
                .sorted(Comparator.comparingInt((Located p) -> p.loc().line()).thenComparingInt(p -> p.loc().column()))
                .map(Located::text)
                .toList();
    }
}
