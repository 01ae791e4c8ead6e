package io.changegraph.consumer;

import io.changegraph.repository.model.FileRef;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * A path as far as the tool could resolve it. Resolved paths are absolute and lexically normalised
 * ({@code //}, {@code .} and {@code ..} collapsed, never above {@code /}); symlinks are NOT resolved,
 * the path is the name the process used. An unresolved path starts with a label saying what was
 * unknown, e.g. {@code <unresolved fd 7>/name} or {@code <unresolved cwd>/name}: visible, never a guess.
 */
record ResolvedPath(String path, boolean resolved) {
    static final String TRUNCATED_MARKER = "…[truncated]";

    ResolvedPath {
        Objects.requireNonNull(path, "path");
    }

    static ResolvedPath unresolved(String label) {
        return new ResolvedPath("<unresolved " + label + ">", false);
    }

    /** {@code name} against this directory; an absolute name ignores the directory. */
    ResolvedPath resolve(String name) {
        if (name.startsWith("/")) {
            return new ResolvedPath(normalise(name, true), true);
        }
        if (resolved) {
            return new ResolvedPath(normalise(path + "/" + name, true), true);
        }
        String relative = normalise(name, false);
        return new ResolvedPath(relative.isEmpty() ? path : path + "/" + relative, false);
    }

    /** The path of a string the kernel cut short: marked and never taken as resolved. */
    ResolvedPath truncated() {
        return new ResolvedPath(path + TRUNCATED_MARKER, false);
    }

    FileRef ref(long inode) {
        return new FileRef(path, inode, resolved);
    }

    /**
     * Lexical normalisation. An absolute path cannot go above {@code /}; a relative one (below an
     * unresolved directory) keeps its leading {@code ..} since what they lead to is unknown.
     */
    private static String normalise(String path, boolean absolute) {
        if (absolute && isNormalAbsolute(path)) {
            return path;   // most paths already are: no split, no join
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (!segments.isEmpty() && !segments.peekLast().equals("..")) {
                    segments.removeLast();
                } else if (!absolute) {
                    segments.addLast(segment);
                }
                continue;
            }
            segments.addLast(segment);
        }
        String joined = String.join("/", segments);
        return absolute ? "/" + joined : joined;
    }

    /** "/" followed by non-empty segments that are not "." or "..", no trailing slash. */
    private static boolean isNormalAbsolute(String path) {
        int n = path.length();
        if (n == 0 || path.charAt(0) != '/') {
            return false;
        }
        if (n == 1) {
            return true;
        }
        int start = 1;
        for (int i = 1; i <= n; i++) {
            if (i == n || path.charAt(i) == '/') {
                int length = i - start;
                if (length == 0 || (length == 1 && path.charAt(start) == '.')
                        || (length == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.')) {
                    return false;
                }
                start = i + 1;
            }
        }
        return true;
    }
}
