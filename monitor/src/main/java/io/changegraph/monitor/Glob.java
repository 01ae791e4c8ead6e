package io.changegraph.monitor;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;

/**
 * A path glob ({@code /etc/**}, {@code **}{@code /.ssh/authorized_keys}) matched with the JDK's
 * {@link PathMatcher}. The literal text before the first wildcard is checked first, so the common
 * non-matching path costs one {@code startsWith}.
 */
final class Glob {
    private final String pattern;
    private final String literalPrefix;
    private final PathMatcher matcher;

    private Glob(String pattern) {
        this.pattern = pattern;
        this.matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        int wildcard = firstWildcard(pattern);
        this.literalPrefix = pattern.substring(0, wildcard);
    }

    /** Compiles a glob; throws IllegalArgumentException with the JDK's reason when it is malformed. */
    static Glob of(String pattern) {
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("empty glob");
        }
        return new Glob(pattern);
    }

    boolean matches(String path) {
        if (!path.startsWith(literalPrefix)) {
            return false;
        }
        if (literalPrefix.length() == pattern.length()) {
            return true;
        }
        try {
            return matcher.matches(Path.of(path));
        } catch (RuntimeException notAPath) {
            return false;
        }
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
        return pattern.length();
    }
}
