package io.changegraph.repository.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The one YAML reader: rules, users, normalisation and agent config files. Files are read with
 * {@link BoundedFiles} within {@link InputLimits#configBytes()}; SnakeYAML gets its code-point, nesting and alias
 * limits; and every line is checked against {@link InputLimits#stringChars()} before parsing, because SnakeYAML
 * takes quadratic time over one long scalar (a 20 MB one would hang the reader).
 */
public final class YamlReader {
    private static final YAMLFactory FACTORY = factory(InputLimits.current());
    private static final ObjectMapper MAPPER = new YAMLMapper(FACTORY);

    private YamlReader() {
    }

    static YAMLFactory factory(InputLimits limits) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit((int) Math.min(Integer.MAX_VALUE, limits.configBytes()));
        options.setNestingDepthLimit(limits.depth());
        options.setMaxAliasesForCollections(limits.yamlAliases());
        options.setAllowDuplicateKeys(true);   // readers report duplicates themselves, with both locations
        return YAMLFactory.builder().loaderOptions(options).streamReadConstraints(JsonMappers.constraints(limits)).build();
    }

    /** A config file's text: regular file, at most {@link InputLimits#configBytes()}, strict UTF-8. */
    public static String readFile(Path file, String what) throws IOException {
        return BoundedFiles.readText(file, what, InputLimits.current().configBytes(), InputLimits.CONFIG_MB);
    }

    /** A streaming parser over {@code text}, after the line-length check. */
    public static JsonParser parser(String text, String source) throws IOException {
        checkLines(text, source);
        return FACTORY.createParser(text);
    }

    /** The document as a tree (null when empty). */
    public static JsonNode readTree(String text, String source) {
        checkLines(text, source);
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw JsonMappers.explain(e, source, "YAML");
        } catch (RuntimeException e) {
            throw unreadable(e, source);
        }
    }

    /**
     * A YAML parser that failed with something other than a syntax error (a SnakeYAML bug on some input, such as
     * 2.3's IndexOutOfBoundsException in its reader) as one clear line.
     */
    public static BadInputException unreadable(RuntimeException e, String source) {
        return new BadInputException(source + " is not readable as YAML (the YAML parser failed: "
                + e.getClass().getSimpleName() + "); check it for stray control or unpaired surrogate characters", e);
    }

    /** A mapper over the bounded factory, for reading YAML into a class; call {@link #checkLines} first. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Refuses a line longer than {@link InputLimits#stringChars()} characters. */
    public static void checkLines(String text, String source) {
        int max = InputLimits.current().stringChars();
        int line = 1;
        int start = 0;
        for (int i = 0, n = text.length(); i <= n; i++) {
            if (i == n || text.charAt(i) == '\n') {
                if (i - start > max) {
                    throw new BadInputException(source + ": line " + line + " is longer than " + max / 1024
                            + " KiB (raise it with " + InputLimits.STRING_KB + "; docs/limits.md)");
                }
                line++;
                start = i + 1;
            }
        }
    }
}
