package io.changegraph.repository;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /** A number that may be a pid: 3 to 7 digits, not inside a longer word. */
    private static final Pattern NUMBER = Pattern.compile("(?<![A-Za-z0-9])[0-9]{3,7}(?![A-Za-z0-9])");

    private final List<Compiled> rules = new ArrayList<>();
    private final Map<String, String> cache = new HashMap<>();
    /** Root-argument values as whole words, longest first (see {@link RootArguments}); null when there are none. */
    private final Matcher parameters;
    private final Map<String, String> placeholders;
    private final Set<String> pids;
    /** Pids are replaced after the rules, before the session names. */
    private final int pidsAt;
    private final Matcher number = NUMBER.matcher("");

    /**
     * @param pids       the recording's pids, as text, replaced by {@code <pid>} after the rules
     * @param parameters root-argument values and their placeholders, replaced after every other rule
     */
    Normalizer(Normalization normalization, Session session, Set<String> pids, Map<String, String> parameters) {
        this.pids = Set.copyOf(pids);
        this.placeholders = Map.copyOf(parameters);
        this.parameters = parameters.isEmpty() ? null : Pattern.compile("(?<![A-Za-z0-9])(?:"
                + String.join("|", RootArguments.longestFirst(parameters).stream().map(Pattern::quote).toList())
                + ")(?![A-Za-z0-9])").matcher("");
        for (NormalizationRule rule : normalization.rules()) {
            rules.add(new Compiled(Pattern.compile(rule.pattern()), rule.replacement(), rule.hint()));
        }
        pidsAt = rules.size();
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
        for (int i = 0; i < rules.size(); i++) {
            if (i == pidsAt && !pids.isEmpty()) {
                result = pids(result);
            }
            result = rules.get(i).apply(result);
        }
        if (pidsAt == rules.size() && !pids.isEmpty()) {
            result = pids(result);
        }
        return substitute(result);
    }

    /** Numbers that are pids of the recording, as {@code <pid>}. */
    private String pids(String text) {
        if (!hasDigit(text)) {
            return text;
        }
        number.reset(text);
        boolean found = false;
        StringBuilder out = null;
        while (number.find()) {
            if (pids.contains(number.group())) {
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                number.appendReplacement(out, "<pid>");
                found = true;
            }
        }
        if (!found) {
            return text;
        }
        number.appendTail(out);
        return out.toString();
    }

    private static boolean hasDigit(String text) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch >= '0' && ch <= '9') {
                return true;
            }
        }
        return false;
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
