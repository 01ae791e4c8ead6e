package io.changegraph.monitor;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * A path glob ({@code /etc/**}, {@code **}{@code /.ssh/authorized_keys}) matched with the JDK's
 * {@link PathMatcher}. Before that, cheap necessary conditions are checked: the literal text before the
 * first wildcard must start the path, the literal text after the last one must end it, and every other
 * literal run outside {@code [...]} and {@code {...}} must occur in it. So the common non-matching path
 * costs a few string comparisons instead of a {@link Path} and a regex.
 */
final class Glob {
    private final String pattern;
    private final PathMatcher matcher;
    private final String prefix;
    private final String suffix;
    private final List<String> inner;
    private final boolean literal;

    private Glob(String pattern) {
        this.pattern = pattern;
        this.matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        List<String> runs = new ArrayList<>();
        boolean startsLiteral = literalRuns(pattern, runs);
        this.literal = startsLiteral && runs.size() == 1 && runs.getFirst().equals(pattern);
        this.prefix = startsLiteral && !runs.isEmpty() ? runs.getFirst() : "";
        boolean endsLiteral = !runs.isEmpty() && pattern.endsWith(runs.getLast()) && !pattern.contains("\\")
                && isLiteralTail(pattern, runs.getLast());
        this.suffix = endsLiteral ? runs.getLast() : "";
        int from = prefix.isEmpty() ? 0 : 1;
        int to = suffix.isEmpty() ? runs.size() : runs.size() - 1;
        this.inner = from < to ? List.copyOf(runs.subList(from, to)) : List.of();
    }

    /** Compiles a glob; throws IllegalArgumentException with the JDK's reason when it is malformed. */
    static Glob of(String pattern) {
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("empty glob");
        }
        return new Glob(pattern);
    }

    boolean matches(String path) {
        if (literal) {
            return path.equals(pattern);
        }
        if (!path.startsWith(prefix) || !path.endsWith(suffix)) {
            return false;
        }
        for (String run : inner) {
            if (!path.contains(run)) {
                return false;
            }
        }
        try {
            return matcher.matches(Path.of(path));
        } catch (RuntimeException notAPath) {
            return false;
        }
    }

    /** The literal text every matching path starts with ("" when the glob starts with a wildcard). */
    String prefix() {
        return literal ? pattern : prefix;
    }

    @Override
    public String toString() {
        return pattern;
    }

    /**
     * Collects the literal runs outside wildcards and groups; returns whether the pattern starts with
     * one. A backslash escape stops the scan (only the runs before it are used).
     */
    private static boolean literalRuns(String pattern, List<String> runs) {
        StringBuilder run = new StringBuilder();
        boolean startsLiteral = !pattern.isEmpty() && "*?[{\\".indexOf(pattern.charAt(0)) < 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                run.setLength(0);
                break;
            }
            if (c == '*' || c == '?' || c == '[' || c == '{') {
                if (!run.isEmpty()) {
                    runs.add(run.toString());
                    run.setLength(0);
                }
                if (c == '[' || c == '{') {
                    int close = pattern.indexOf(c == '[' ? ']' : '}', i + 1);
                    i = close < 0 ? pattern.length() : close;
                }
            } else {
                run.append(c);
            }
        }
        if (!run.isEmpty()) {
            runs.add(run.toString());
        }
        return startsLiteral;
    }

    private static boolean isLiteralTail(String pattern, String tail) {
        String head = pattern.substring(0, pattern.length() - tail.length());
        return !head.isEmpty() && "*?]}".indexOf(head.charAt(head.length() - 1)) >= 0 || head.isEmpty();
    }
}
