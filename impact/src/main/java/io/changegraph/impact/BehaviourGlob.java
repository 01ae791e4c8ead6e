package io.changegraph.impact;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * A glob of behaviours.yaml, for paths ({@code /etc/cron.d/**}: {@code *} stays within a directory,
 * {@code **} crosses directories) and for executable names ({@code python3*}), matched with the JDK's
 * glob {@link PathMatcher}. The literal text before the first wildcard and after the last one is checked
 * first, so the common non-matching path costs two string comparisons.
 */
final class BehaviourGlob {
    private final String pattern;
    private final PathMatcher matcher;
    private final String prefix;
    private final String suffix;
    private final boolean literal;

    private BehaviourGlob(String pattern) {
        this.pattern = pattern;
        this.matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        int first = firstWildcard(pattern);
        this.literal = first < 0;
        this.prefix = literal ? pattern : pattern.substring(0, first);
        int last = lastWildcard(pattern);
        this.suffix = literal ? pattern : pattern.substring(last + 1);
    }

    /** Compiles a glob; an empty or malformed one is an IllegalArgumentException naming it. */
    static BehaviourGlob of(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            throw new IllegalArgumentException("an empty glob");
        }
        try {
            return new BehaviourGlob(pattern);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("a malformed glob '" + pattern + "': " + e.getMessage());
        }
    }

    boolean matches(String text) {
        if (literal) {
            return text.equals(pattern);
        }
        if (!text.startsWith(prefix) || !text.endsWith(suffix) || text.length() < prefix.length() + suffix.length()) {
            return false;
        }
        try {
            return matcher.matches(Path.of(text));
        } catch (RuntimeException notAPath) {
            return false;
        }
    }

    /** Whether any of the globs matches the text. */
    static boolean any(List<BehaviourGlob> globs, String text) {
        for (BehaviourGlob glob : globs) {
            if (glob.matches(text)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return pattern;
    }

    private static int firstWildcard(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            if ("*?[{\\".indexOf(pattern.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static int lastWildcard(String pattern) {
        for (int i = pattern.length() - 1; i >= 0; i--) {
            if ("*?]}\\".indexOf(pattern.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
