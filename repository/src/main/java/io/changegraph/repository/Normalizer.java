package io.changegraph.repository;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link Normalization} rules compiled for one graph (its session's user and host), with a cache for strings
 * that recur. Not thread-safe: one diff, one thread.
 */
final class Normalizer {
    /** One rule, with a matcher reused from string to string (a normalizer serves one thread). */
    private static final class Compiled {
        private final Matcher matcher;
        private final String replacement;
        private final String[] hints;

        Compiled(Pattern pattern, String replacement, String hint) {
            this.matcher = pattern.matcher("");
            this.replacement = replacement;
            this.hints = hint.isEmpty() ? new String[0] : hint.split("\\|");
        }

        String apply(String text) {
            if (!mayMatch(text)) {
                return text;
            }
            matcher.reset(text);
            return matcher.find() ? matcher.replaceAll(replacement) : text;
        }

        private boolean mayMatch(String text) {
            if (hints.length == 0) {
                return true;
            }
            for (String hint : hints) {
                if (text.contains(hint)) {
                    return true;
                }
            }
            return false;
        }
    }

    private final List<Compiled> rules = new ArrayList<>();
    private final Map<String, String> cache = new HashMap<>();

    Normalizer(Normalization normalization, Session session) {
        for (NormalizationRule rule : normalization.rules()) {
            rules.add(new Compiled(Pattern.compile(rule.pattern()), rule.replacement(), rule.hint()));
        }
        if (normalization.sessionNames()) {
            if (!session.user().isEmpty() && !session.user().equals("root")) {
                rules.add(word(session.user(), "<user>"));
            }
            if (!session.host().isEmpty()) {
                rules.add(word(session.host(), "<host>"));
                int dot = session.host().indexOf('.');
                if (dot > 0) {
                    rules.add(word(session.host().substring(0, dot), "<host>"));
                }
            }
        }
    }

    private static Compiled word(String literal, String replacement) {
        return new Compiled(Pattern.compile("(?<![\\w.-])" + Pattern.quote(literal) + "(?![\\w-]|\\.\\w)"), replacement,
                literal);
    }

    /** Normalises a string that recurs (exe, argv words, details): remembered. */
    String apply(String text) {
        String cached = cache.get(text);
        if (cached != null) {
            return cached;
        }
        String result = applyOnce(text);
        cache.put(text, result);
        return result;
    }

    /** Normalises a string seen once (a file node's path): not remembered, which keeps big diffs light. */
    String applyOnce(String text) {
        String result = text;
        for (Compiled rule : rules) {
            result = rule.apply(result);
        }
        return result;
    }

    List<String> apply(List<String> texts) {
        List<String> result = new ArrayList<>(texts.size());
        for (String text : texts) {
            result.add(apply(text));
        }
        return result;
    }
}
