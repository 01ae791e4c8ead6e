package io.changegraph.repository.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper holder. Writing: keys of maps and properties sorted, so the same value always gives the
 * same bytes. Reading: bounded by {@link InputLimits#current()} (nesting depth, string length) and strict (no
 * content after the value); a limit gone over is a one-line {@link BadInputException} naming its knob.
 */
public final class JsonMappers {
    /** Compact, sorted; reads within the limits and refuses trailing content. */
    public static final JsonMapper SORTED = JsonMapper.builder(factory(InputLimits.current()))
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    /** {@link #SORTED}, pretty-printed (graph files); the caller flushes. */
    public static final JsonMapper PRETTY = SORTED.rebuild()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE)
            .build();

    private JsonMappers() {
    }

    /** A JSON factory reading within {@code limits}. */
    public static JsonFactory factory(InputLimits limits) {
        JsonFactory factory = JsonFactory.builder().streamReadConstraints(constraints(limits)).build();
        factory.setCharacterEscapes(new Escapes());
        return factory;
    }

    /**
     * Besides JSON's own C0 escapes: DEL, C1 controls, line separators and bidirectional overrides as
     * a backslash-u escape (the {@link TerminalText} set), so a graph or an answer printed on a terminal is inert.
     */
    private static final class Escapes extends CharacterEscapes {
        private static final int[] ASCII = standardAsciiEscapesForJSON();

        static {
            ASCII[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ASCII;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch > 0x7f && TerminalText.isUnsafe((char) ch)
                    ? new SerializedString(String.format("\\u%04X", ch)) : null;
        }
    }

    static StreamReadConstraints constraints(InputLimits limits) {
        return StreamReadConstraints.builder().maxNestingDepth(limits.depth()).maxStringLength(limits.stringChars())
                .build();
    }

    /**
     * One JSON value from {@code text}, nothing after it.
     *
     * @throws BadInputException naming {@code source}, where and what is wrong
     */
    public static JsonNode readTree(String text, String source) {
        try {
            return SORTED.readTree(text);
        } catch (JsonProcessingException e) {
            throw explain(e, source, "JSON");
        }
    }

    /**
     * The one line for a JSON or YAML reading error: a limit names its knob; anything else says where it is.
     *
     * @param format "JSON" or "YAML"
     */
    public static BadInputException explain(JsonProcessingException e, String source, String format) {
        String limit = limitMessage(e);
        if (limit != null) {
            return new BadInputException(source + ": " + limit, e);
        }
        JsonLocation where = e.getLocation();
        String at = where == null || where.getLineNr() < 1 ? ""
                : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
        return new BadInputException(source + " is not valid " + format + at + ": " + firstLine(e.getOriginalMessage()), e);
    }

    /** What limit {@code e} is about, with its knob; null when it is not about a limit. */
    public static String limitMessage(Throwable e) {
        InputLimits limits = InputLimits.current();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof StreamConstraintsException || message.contains("Nesting Depth exceeded")
                    || message.contains("exceeds the limit") || message.contains("Number of aliases")) {
                if (message.contains("nesting depth") || message.contains("Nesting Depth")) {
                    return "nested deeper than " + limits.depth() + " levels (raise it with " + InputLimits.DEPTH
                            + "; docs/limits.md)";
                }
                if (message.contains("String value length")) {
                    return "a string longer than " + limits.stringChars() / 1024 + " KiB (raise it with "
                            + InputLimits.STRING_KB + "; docs/limits.md)";
                }
                if (message.contains("code points")) {
                    return "longer than " + InputLimits.mib(limits.configBytes()) + " (raise it with "
                            + InputLimits.CONFIG_MB + "; docs/limits.md)";
                }
                if (message.contains("aliases")) {
                    return "more than " + limits.yamlAliases() + " YAML aliases (raise it with "
                            + InputLimits.YAML_ALIASES + "; docs/limits.md)";
                }
                return firstLine(message);
            }
        }
        return null;
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
