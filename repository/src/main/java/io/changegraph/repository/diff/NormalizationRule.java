package io.changegraph.repository.diff;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One rewrite of the strings a diff compares (paths, exe, argv, cwd, socket paths, edge details):
 * every match of {@code pattern} (a Java regex) is replaced by {@code replacement} ({@code $1} refers to
 * groups). When {@code hint} is not empty the rule only runs on strings containing one of its literals
 * (separated by {@code |}), which keeps a diff of a million edges fast.
 */
public record NormalizationRule(String name, String pattern, String replacement, String hint) {
    public NormalizationRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pattern, "pattern");
        replacement = Objects.requireNonNullElse(replacement, "");
        hint = Objects.requireNonNullElse(hint, "");
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("rule '" + name + "': bad regex " + pattern + ": " + e.getDescription());
        }
    }

    public NormalizationRule(String name, String pattern, String replacement) {
        this(name, pattern, replacement, "");
    }
}
