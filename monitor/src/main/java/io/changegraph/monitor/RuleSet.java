package io.changegraph.monitor;

import io.changegraph.repository.io.BadInputException;
import io.changegraph.repository.io.YamlReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A validated rules file: the rules plus the {@code alerts:} configuration. Immutable and thread-safe.
 * See docs/rules.md for the file format.
 */
public final class RuleSet {
    private final String source;
    private final List<Rule> rules;
    private final MonitorConfig config;
    private final Map<String, List<String>> groups;
    private final String digest;

    private RuleSet(String source, String text, RulesParser.Parsed parsed) {
        this.source = source;
        this.digest = digestOf(text);
        this.rules = parsed.rules();
        this.config = parsed.config();
        this.groups = parsed.groups();
    }

    /**
     * Reads and validates a rules file. SMTP passwords are read from the environment variables the
     * file names ({@code password_env}).
     *
     * @throws RulesException listing every problem as {@code file:line:column: message; hint}
     */
    public static RuleSet load(Path file) throws RulesException {
        String text;
        try {
            text = YamlReader.readFile(file, "rules file");
        } catch (BadInputException e) {
            throw new RulesException(List.of(file + ":1:1: " + e.getMessage()));
        } catch (IOException e) {
            throw new RulesException(List.of(file + ":1:1: cannot read the file (" + e.getClass().getSimpleName()
                    + "); check the path and permissions"));
        }
        return parse(file.toString(), text, System::getenv);
    }

    /** Where {@link #shipped()} says it comes from in error messages and summaries. */
    public static final String SHIPPED_NAME = "rules.yaml (shipped)";

    /**
     * The rules.yaml shipped with changegraph (embedded in the jar): what {@code record} evaluates when no
     * rules file is installed.
     */
    public static RuleSet shipped() {
        try (java.io.InputStream in = RuleSet.class.getResourceAsStream("rules.yaml")) {
            if (in == null) {
                throw new IllegalStateException("rules.yaml is missing from the jar: rebuild it (scripts/build.sh)");
            }
            return parse(SHIPPED_NAME, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
                    System::getenv);
        } catch (IOException | RulesException e) {
            throw new IllegalStateException("the shipped rules.yaml does not load: " + e.getMessage(), e);
        }
    }

    /** Validates rules text; {@code name} is used in error locations; environment resolves {@code password_env}. */
    public static RuleSet parse(String name, String text, Function<String, String> environment)
            throws RulesException {
        return new RuleSet(name, text, RulesParser.parse(name, text, environment));
    }

    /**
     * {@code sha256:} and the hex SHA-256 of the rules text: a recording evaluated with these rules carries it
     * ({@code session.rules}), so an offline check knows its alerts are the evaluation of these very rules.
     */
    public String digest() {
        return digest;
    }

    private static String digestOf(String text) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "sha256:" + java.util.HexFormat.of().formatHex(hash);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The {@code alerts:} section, or {@link MonitorConfig#defaults()} when the file has none. */
    public MonitorConfig config() {
        return config;
    }

    /** Rule ids in file order. */
    public List<String> ids() {
        return rules.stream().map(Rule::id).toList();
    }

    /** One line: how many rules by severity, and where alerts go. */
    public String summary() {
        Map<Rule.Severity, Integer> bySeverity = new EnumMap<>(Rule.Severity.class);
        rules.forEach(r -> bySeverity.merge(r.severity(), 1, Integer::sum));
        StringBuilder out = new StringBuilder(source).append(": ").append(rules.size())
                .append(rules.size() == 1 ? " rule" : " rules").append(" OK (");
        out.append(bySeverity.getOrDefault(Rule.Severity.CRITICAL, 0)).append(" critical, ")
                .append(bySeverity.getOrDefault(Rule.Severity.WARNING, 0)).append(" warning, ")
                .append(bySeverity.getOrDefault(Rule.Severity.INFO, 0)).append(" info)");
        out.append("; mail: ").append(config.smtp() == null ? "off"
                : config.smtp().host() + ":" + config.smtp().port() + " " + config.smtp().tls().name().toLowerCase());
        out.append("; webhook: ").append(config.webhook() == null ? "off" : "on");
        out.append("; groups: ").append(groups.isEmpty() ? "none" : String.join(", ", new TreeMap<>(groups).keySet()));
        return out.toString();
    }

    List<Rule> rules() {
        return rules;
    }
}
