package io.changegraph.repository.diff;

import io.changegraph.repository.model.Session;
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
    /** Root-argument values as whole words, longest first (see {@link RootArguments}); null when there are none. */
    private final Matcher parameters;
    private final Map<String, String> placeholders;

    /** @param parameters root-argument values and their placeholders, replaced after every other rule */
    Normalizer(Normalization normalization, Session session, Map<String, String> parameters) {
        this.placeholders = Map.copyOf(parameters);
        this.parameters = parameters.isEmpty() ? null : Pattern.compile("(?<![A-Za-z0-9])(?:"
                + String.join("|", RootArguments.longestFirst(parameters).stream().map(Pattern::quote).toList())
                + ")(?![A-Za-z0-9])").matcher("");
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
        return substitute(result);
    }

    /** Only the root-argument values replaced by their placeholders (remote endpoints get no other rule). */
    String substitute(String text) {
        if (parameters == null || !mentionsParameter(text)) {
            return text;
        }
        parameters.reset(text);
        return parameters.find() ? parameters.replaceAll(match -> Matcher.quoteReplacement(placeholders.get(match.group()))) : text;
    }

    private boolean mentionsParameter(String text) {
        for (String value : placeholders.keySet()) {
            if (text.contains(value)) {
                return true;
            }
        }
        return false;
    }

    List<String> apply(List<String> texts) {
        List<String> result = new ArrayList<>(texts.size());
        for (String text : texts) {
            result.add(apply(text));
        }
        return result;
    }
}
