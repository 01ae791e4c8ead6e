package io.changegraph.repository;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** {@link Normalization} rules compiled for one graph (its session's user and host), with a cache per string. */
final class Normalizer {
    /** A rule runs again on its own output (so nested temp dirs are all rewritten), at most this many times. */
    private static final int MAX_PASSES = 4;

    private record Compiled(Pattern pattern, String replacement, String hint) {
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

    String apply(String text) {
        String cached = cache.get(text);
        if (cached != null) {
            return cached;
        }
        String result = text;
        for (Compiled rule : rules) {
            for (int pass = 0; pass < MAX_PASSES && (rule.hint().isEmpty() || result.contains(rule.hint())); pass++) {
                String rewritten = rule.pattern().matcher(result).replaceAll(rule.replacement());
                if (rewritten.equals(result)) {
                    break;
                }
                result = rewritten;
            }
        }
        cache.put(text, result);
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
