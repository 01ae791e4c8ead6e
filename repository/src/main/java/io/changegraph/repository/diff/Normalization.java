package io.changegraph.repository.diff;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.io.BadInputException;
import io.changegraph.repository.io.YamlReader;
import io.changegraph.repository.model.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a diff treats as equal: the rewrite rules applied to every compared string (each path a file had, exe,
 * each argv element on its own, cwd, unix socket paths, edge details), in order, then the session's user and host
 * names, then pids. See {@link #defaults()} for the built-in rules and {@link #load(Path)} for the file format.
 *
 * @param sessionNames   replace each graph's own session user (unless it is {@code root}) by {@code <user>} and
 *                       host by {@code <host>}, as whole words, after the rules
 * @param sessionPids    replace a number (3 to 7 digits, not inside a longer word) that is the pid of the acting
 *                       process or of one of its ancestors by {@code <pid>}; in a file's path, of a process that
 *                       touched the file or of one of its ancestors ({@code /etc/passwd.4481} of useradd,
 *                       {@code /var/cache/man/4039} of mandb, {@code /tmp/job.$$} of a script or its children);
 *                       after every other rewrite
 * @param ephemeralPorts compare a remote whose port is in the ephemeral range ({@value #EPHEMERAL_FIRST} and up)
 *                       and that no process of the recording connected to or bound (the peer of an accepted
 *                       connection) as {@code address:<ephemeral>}
 */
public record Normalization(List<NormalizationRule> rules, boolean sessionNames, boolean sessionPids,
                            boolean ephemeralPorts) {
    /** The lowest port Linux (32768) and the IANA range (49152) hand out as a client's local port. */
    public static final int EPHEMERAL_FIRST = 32768;
    private static final String EDGE = "(?=$|[/\\s=:,;'\"])";
    /** Start of the string or of a word in it (a path after {@code --dir=} or a space). */
    private static final String START = "(?<![^\\s=:,;'\"])";
    private static final String TEMP_DIRS = "(?:/tmp|/var/tmp|/dev/shm)";
    private static final String TEMP_HINTS = "/tmp/|/var/tmp/|/dev/shm/";
    /**
     * Six letters and digits as mkstemp picks them: a digit and a letter (but not a word and a number,
     * {@code conf12}), or an upper-case letter after the first character and a lower-case one ({@code BS4Kuf},
     * {@code jLXmGe}, {@code pt5s6x}; not {@code Debian}, {@code target}, {@code conf12}).
     */
    private static final String RANDOM6 = "(?=[A-Za-z0-9]{6}(?![A-Za-z0-9]))(?![A-Za-z]+[0-9]+(?![A-Za-z0-9]))"
            + "(?:(?=[A-Za-z]{0,5}[0-9])(?=[0-9]{0,5}[A-Za-z])|(?=[A-Za-z0-9]{1,5}[A-Z])(?=[A-Za-z0-9]{0,5}[a-z]))"
            + "[A-Za-z0-9]{6}";

    /**
     * The built-in rules, in the order they run: homes ({@code /home/NAME}, {@code /root}) to {@code ~};
     * mktemp names ({@code tmp.XXXXXXXXXX}) anywhere, and any {@code NAME.XXXXXX} suffix in a string that
     * names a temp dir ({@code /tmp}, {@code /var/tmp}, {@code /dev/shm}), to {@code <tmp>}; apt's
     * {@code .apt-acquire-privs-test.XXXXXX}; a random-looking mkstemp suffix {@code NAME.XXXXXX} anywhere;
     * sed's {@code sedXXXXXX} temp files; Python's {@code /tmp/tmpXXXXXXXX}; a run of 8 or more digits in a temp
     * file name (Java's {@code createTempFile}, many tools); dpkg's {@code .dpkg-new}, {@code .dpkg-old},
     * {@code .dpkg-tmp}; vim's swap files and emacs' lock targets; {@code @EPOCH} times in arguments
     * ({@code tar --mtime @1796537651}); {@code /proc/PID}, {@code /run/user/UID} and the terminal
     * {@code /dev/pts/N}.
     */
    public static final List<NormalizationRule> DEFAULT_RULES = List.of(
            new NormalizationRule("home", START + "/(?:home/[^/\\s=:,;'\"]+|root)" + EDGE, "~", "/home/|/root"),
            new NormalizationRule("mktemp", "/tmp\\.[A-Za-z0-9]{6,}" + EDGE, "/tmp.<tmp>", "/tmp."),
            new NormalizationRule("temp-suffix", "/([^/\\s.]+)\\.[A-Za-z0-9]{6,}" + EDGE, "/$1.<tmp>", TEMP_HINTS),
            new NormalizationRule("apt-temp", "/\\.apt-acquire-privs-test\\.[A-Za-z0-9]{6}" + EDGE,
                    "/.apt-acquire-privs-test.<tmp>", ".apt-acquire-privs-test."),
            new NormalizationRule("mkstemp", "\\.(?<=[^/\\s.]\\.)" + RANDOM6 + EDGE, ".<tmp>", "."),
            new NormalizationRule("sed-temp", "/sed[A-Za-z0-9]{6}" + EDGE, "/sed<tmp>", "/sed"),
            new NormalizationRule("python-temp", "(" + TEMP_DIRS + ")/tmp[a-z0-9_]{8}" + EDGE, "$1/tmp<tmp>", TEMP_HINTS),
            new NormalizationRule("temp-digits", "(" + TEMP_DIRS + "/[^/\\s]*?)[0-9]{8,}", "$1<tmp>", TEMP_HINTS),
            new NormalizationRule("dpkg-temp", "\\.dpkg-(?:new|old|tmp)" + EDGE, ".dpkg-<tmp>", ".dpkg-"),
            new NormalizationRule("editor-swap", "/(\\.[^/\\s]+)\\.sw[a-p]x?" + EDGE, "/$1.<swap>", ".sw"),
            new NormalizationRule("emacs-lock", "^([^\\s@/]+)@([^\\s/:]+)\\.[0-9]+:[0-9]+$", "$1@$2.<pid>:<boot>", "@"),
            new NormalizationRule("epoch-time", "(?<![A-Za-z0-9])@[0-9]{9,10}(?![0-9])", "@<time>", "@"),
            new NormalizationRule("proc-pid", "/proc/[0-9]+(?:/task/[0-9]+)?" + EDGE, "/proc/<pid>", "/proc/"),
            new NormalizationRule("run-user", "/run/user/[0-9]+" + EDGE, "/run/user/<uid>", "/run/user/"),
            new NormalizationRule("pts", "/dev/pts/[0-9]+" + EDGE, "/dev/pts/<n>", "/dev/pts/"));

    public Normalization {
        rules = List.copyOf(rules);
    }

    /** Rules and session names only: no pids, no ephemeral ports (the form before those existed). */
    public Normalization(List<NormalizationRule> rules, boolean sessionNames) {
        this(rules, sessionNames, false, false);
    }

    /** The built-in rules plus session pids, user and host names, and ephemeral ports. */
    public static Normalization defaults() {
        return new Normalization(DEFAULT_RULES, true, true, true);
    }

    /** No rewriting at all: strings compare as recorded. */
    public static Normalization none() {
        return new Normalization(List.of(), false, false, false);
    }

    /**
     * Reads rules from a YAML or JSON file:
     * <pre>
     * defaults: true            # start from the built-in rules (default true)
     * disable: [python-temp]    # built-in rules to leave out, by name
     * session_names: true       # replace the session's user and host names (default true)
     * session_pids: true        # replace numbers that are pids of the recording by &lt;pid&gt; (default true)
     * ephemeral_ports: true     # compare accepted peers' ephemeral ports as &lt;ephemeral&gt; (default true)
     * rules:                    # extra rules, run after the built-in ones
     *   - name: build-number
     *     pattern: '/var/cache/app/[0-9]+'
     *     replacement: '/var/cache/app/&lt;n&gt;'
     * </pre>
     *
     * @throws IllegalArgumentException with a one-line message naming the file and what is wrong
     */
    public static Normalization load(Path file) {
        return load(file, true);
    }

    /**
     * Reads rules from a file; without {@code builtIns} ({@code changegraph diff --no-default-normalize}) only
     * the file's own {@code rules} count: no built-in rule, no session names, pids or ephemeral ports.
     */
    public static Normalization load(Path file, boolean builtIns) {
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
        if (builtIns && root.path("defaults").asBoolean(true)) {
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
        return new Normalization(rules, builtIns && root.path("session_names").asBoolean(true),
                builtIns && root.path("session_pids").asBoolean(true), builtIns && root.path("ephemeral_ports").asBoolean(true));
    }

    /** For the strings of one session. */
    Normalizer forSession(Session session) {
        return forSession(session, Map.of());
    }

    /** For the strings of one session, with root-argument values read as their placeholders (see {@link RootArguments}). */
    Normalizer forSession(Session session, Map<String, String> parameters) {
        Objects.requireNonNull(session, "session");
        return new Normalizer(this, session, parameters);
    }
}
