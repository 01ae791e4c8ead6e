package io.changegraph.hub;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A shell-style glob over a whole string, for host names and command lines: {@code *} is any run of characters
 * ({@code /} and spaces included, so {@code deploy.sh*} matches {@code deploy.sh --env production}), {@code ?} one
 * character, everything else literal. Case-sensitive. The empty glob and one longer than 200 characters are refused.
 */
record FleetGlob(String glob, Pattern pattern) {
    static final int MAX_LENGTH = 200;

    FleetGlob {
        Objects.requireNonNull(glob, "glob");
        Objects.requireNonNull(pattern, "pattern");
    }

    static FleetGlob of(String glob) {
        if (glob == null || glob.isEmpty()) {
            throw new IllegalArgumentException("an empty glob: give a name or a pattern such as 'web-*'");
        }
        if (glob.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a glob longer than " + MAX_LENGTH + " characters");
        }
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return new FleetGlob(glob, Pattern.compile(regex.toString(), Pattern.DOTALL));
    }

    boolean matches(String text) {
        return text != null && pattern.matcher(text).matches();
    }

    /** Whether the glob has no wildcard, i.e. names exactly one string. */
    boolean literal() {
        return glob.indexOf('*') < 0 && glob.indexOf('?') < 0;
    }
}
