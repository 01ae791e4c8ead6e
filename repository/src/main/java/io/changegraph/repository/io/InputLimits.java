package io.changegraph.repository.io;

import java.util.Map;
import java.util.Objects;

/**
 * The limits on what changegraph reads, each raised with an environment variable (docs/limits.md). A limit
 * gone over is refused with one line naming the variable, never an OutOfMemoryError or a hang.
 *
 * @param graphBytes   largest graph file ({@code CHANGEGRAPH_MAX_GRAPH_MB}, default 1024 MiB)
 * @param configBytes  largest rules, users, normalisation or agent config file ({@code CHANGEGRAPH_MAX_CONFIG_MB},
 *                     default 16 MiB)
 * @param depth        deepest nesting of JSON or YAML ({@code CHANGEGRAPH_MAX_DEPTH}, default 100)
 * @param stringChars  longest JSON string or YAML line ({@code CHANGEGRAPH_MAX_STRING_KB}, default 1024 KiB):
 *                     SnakeYAML slows down quadratically on one long scalar, so its lines are checked first
 * @param yamlAliases  most YAML aliases in one file ({@code CHANGEGRAPH_MAX_YAML_ALIASES}, default 100): no
 *                     "billion laughs"
 */
public record InputLimits(long graphBytes, long configBytes, int depth, int stringChars, int yamlAliases) {
    public static final String GRAPH_MB = "CHANGEGRAPH_MAX_GRAPH_MB";
    public static final String CONFIG_MB = "CHANGEGRAPH_MAX_CONFIG_MB";
    public static final String DEPTH = "CHANGEGRAPH_MAX_DEPTH";
    public static final String STRING_KB = "CHANGEGRAPH_MAX_STRING_KB";
    public static final String YAML_ALIASES = "CHANGEGRAPH_MAX_YAML_ALIASES";
    private static final long MIB = 1L << 20;
    private static final InputLimits CURRENT = fromEnvironment(System.getenv());

    public InputLimits {
        if (graphBytes < 1 || configBytes < 1 || depth < 1 || stringChars < 1 || yamlAliases < 0) {
            throw new IllegalArgumentException("input limits must be positive");
        }
    }

    public static InputLimits defaults() {
        return new InputLimits(1024 * MIB, 16 * MIB, 100, 1024 * 1024, 100);
    }

    /** The limits of this process: the defaults, with the environment's {@code CHANGEGRAPH_MAX_*} variables applied. */
    public static InputLimits current() {
        return CURRENT;
    }

    /**
     * The defaults with the variables of {@code env} applied; a variable that is not a positive whole number is
     * ignored (a limit must never be switched off by a typo).
     */
    public static InputLimits fromEnvironment(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        InputLimits d = defaults();
        return new InputLimits(number(env, GRAPH_MB, d.graphBytes / MIB) * MIB, number(env, CONFIG_MB, d.configBytes / MIB) * MIB,
                (int) number(env, DEPTH, d.depth), (int) Math.min(Integer.MAX_VALUE / 2, number(env, STRING_KB, d.stringChars / 1024) * 1024),
                (int) number(env, YAML_ALIASES, d.yamlAliases));
    }

    private static long number(Map<String, String> env, String name, long fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.strip());
            return parsed > 0 && parsed < Integer.MAX_VALUE ? parsed : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** "1024 MiB" style, for messages. */
    static String mib(long bytes) {
        return bytes % MIB == 0 ? bytes / MIB + " MiB" : bytes + " bytes";
    }
}
