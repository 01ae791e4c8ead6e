package io.changegraph.repository;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.io.BadInputException;
import io.changegraph.repository.io.YamlReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a diff treats as equal: the rewrite rules applied to every compared string, in order, after the
 * session names. See {@link #defaults()} for the built-in rules and {@link #load(Path)} for the file format.
 *
 * @param sessionNames replace each graph's own session user (unless it is {@code root}) by {@code <user>} and
 *                     host by {@code <host>}, as whole words, after the rules
 */
public record Normalization(List<NormalizationRule> rules, boolean sessionNames) {
    private static final String EDGE = "(?=$|[/\\s=:,;'\"])";
    /** Start of the string or of a word in it (a path after {@code --dir=} or a space). */
    private static final String START = "(?<![^\\s=:,;'\"])";
    private static final String TEMP_DIRS = "(?:/tmp|/var/tmp|/dev/shm)";
    private static final String TEMP_HINTS = "/tmp/|/var/tmp/|/dev/shm/";

    /**
     * The built-in rules, in the order they run: homes ({@code /home/NAME}, {@code /root}) to {@code ~};
     * mktemp names ({@code tmp.XXXXXXXXXX}) anywhere, and any {@code NAME.XXXXXX} suffix in a string that
     * names a temp dir ({@code /tmp}, {@code /var/tmp}, {@code /dev/shm}), to {@code <tmp>}; sed's
     * {@code sedXXXXXX} temp files; Python's {@code /tmp/tmpXXXXXXXX}; a run of 8 or more digits in a temp
     * file name (Java's {@code createTempFile}, many tools); {@code /proc/PID} and
     * {@code /run/user/UID}.
     */
    public static final List<NormalizationRule> DEFAULT_RULES = List.of(
            new NormalizationRule("home", START + "/(?:home/[^/\\s=:,;'\"]+|root)" + EDGE, "~", "/home/|/root"),
            new NormalizationRule("mktemp", "/tmp\\.[A-Za-z0-9]{6,}" + EDGE, "/tmp.<tmp>", "/tmp."),
            new NormalizationRule("temp-suffix", "/([^/\\s.]+)\\.[A-Za-z0-9]{6,}" + EDGE, "/$1.<tmp>", TEMP_HINTS),
            new NormalizationRule("sed-temp", "/sed[A-Za-z0-9]{6}" + EDGE, "/sed<tmp>", "/sed"),
            new NormalizationRule("python-temp", "(" + TEMP_DIRS + ")/tmp[a-z0-9_]{8}" + EDGE, "$1/tmp<tmp>", TEMP_HINTS),
            new NormalizationRule("temp-digits", "(" + TEMP_DIRS + "/[^/\\s]*?)[0-9]{8,}", "$1<tmp>", TEMP_HINTS),
            new NormalizationRule("proc-pid", "/proc/[0-9]+(?:/task/[0-9]+)?" + EDGE, "/proc/<pid>", "/proc/"),
            new NormalizationRule("run-user", "/run/user/[0-9]+" + EDGE, "/run/user/<uid>", "/run/user/"));

    public Normalization {
        rules = List.copyOf(rules);
    }

    /** The built-in rules plus session user and host names. */
    public static Normalization defaults() {
        return new Normalization(DEFAULT_RULES, true);
    }

    /** No rewriting at all: strings compare as recorded. */
    public static Normalization none() {
        return new Normalization(List.of(), false);
    }

    /**
     * Reads rules from a YAML or JSON file:
     * <pre>
     * defaults: true            # start from the built-in rules (default true)
     * disable: [python-temp]    # built-in rules to leave out, by name
     * session_names: true       # replace the session's user and host names (default true)
     * rules:                    # extra rules, run after the built-in ones
     *   - name: build-number
     *     pattern: '/var/cache/app/[0-9]+'
     *     replacement: '/var/cache/app/&lt;n&gt;'
     * </pre>
     *
     * @throws IllegalArgumentException with a one-line message naming the file and what is wrong
     */
    public static Normalization load(Path file) {
        JsonNode root;
        try {
            root = YamlReader.readTree(YamlReader.readFile(file, "normalisation file"), file.toString());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such normalisation file " + file);
        } catch (BadInputException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read normalisation file " + file + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": a normalisation file is a map with 'rules', 'disable', 'defaults'");
        }
        List<NormalizationRule> rules = new ArrayList<>();
        if (root.path("defaults").asBoolean(true)) {
            Set<String> disabled = new HashSet<>();
            root.path("disable").forEach(name -> disabled.add(name.asText()));
            Set<String> known = new HashSet<>(DEFAULT_RULES.stream().map(NormalizationRule::name).toList());
            for (String name : disabled) {
                if (!known.contains(name)) {
                    throw new IllegalArgumentException(file + ": 'disable' names no built-in rule '" + name
                            + "' (built-in: " + String.join(", ", DEFAULT_RULES.stream().map(NormalizationRule::name).toList()) + ")");
                }
            }
            DEFAULT_RULES.stream().filter(rule -> !disabled.contains(rule.name())).forEach(rules::add);
        }
        int index = 0;
        for (JsonNode rule : root.path("rules")) {
            index++;
            String where = file + ": rules[" + index + "]";
            if (!rule.hasNonNull("pattern")) {
                throw new IllegalArgumentException(where + ": missing 'pattern'");
            }
            try {
                rules.add(new NormalizationRule(rule.path("name").asText("rule " + index), rule.get("pattern").asText(),
                        rule.path("replacement").asText(""), rule.path("hint").asText("")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
        }
        return new Normalization(rules, root.path("session_names").asBoolean(true));
    }

    Normalizer forSession(Session session) {
        Objects.requireNonNull(session, "session");
        return new Normalizer(this, session);
    }
}
