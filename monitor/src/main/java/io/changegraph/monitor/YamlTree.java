package io.changegraph.monitor;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.changegraph.repository.io.BadInputException;
import io.changegraph.repository.io.JsonMappers;
import io.changegraph.repository.io.YamlReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree whose every node and key remembers where it was written, so that
 * validation errors can say {@code file:line:column}. Jackson's own {@code JsonNode} forgets locations.
 */
final class YamlTree {
    private static final int MAX_DEPTH = 32;

    private YamlTree() {
    }

    /** Where something was written; prints as {@code file:line:column}. */
    record Loc(String file, int line, int column) {
        static Loc of(String file, JsonLocation location) {
            return location == null ? new Loc(file, 1, 1)
                    : new Loc(file, Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
        }

        @Override
        public String toString() {
            return file + ":" + line + ":" + column;
        }
    }

    sealed interface YNode permits YMap, YList, YScalar {
        Loc loc();

        /** What the node is, for error messages: "a mapping", "a list", "text 'x'". */
        String describe();
    }

    record YEntry(Loc keyLoc, YNode value) {
    }

    record YMap(Loc loc, Map<String, YEntry> entries) implements YNode {
        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record YList(Loc loc, List<YNode> items) implements YNode {
        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A scalar; {@code token} tells how YAML typed it (string, int, float, boolean, null). */
    record YScalar(Loc loc, JsonToken token, String text) implements YNode {
        @Override
        public String describe() {
            return token == JsonToken.VALUE_NULL ? "an empty value" : "'" + text + "'";
        }

        boolean isNumber() {
            return token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
        }
    }

    /**
     * Parses one YAML document. Syntax errors and duplicate keys are added to {@code problems}; the
     * result is null when the document is empty or unreadable.
     */
    static YNode parse(String file, String text, Problems problems) {
        try (JsonParser parser = YamlReader.parser(text, file)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            return read(file, parser, problems, 0);
        } catch (BadInputException e) {
            problems.add(new Loc(file, 1, 1), e.getMessage(), "see docs/limits.md");
            return null;
        } catch (JsonProcessingException e) {
            String limit = JsonMappers.limitMessage(e);
            if (limit != null) {
                problems.add(Loc.of(file, e.getLocation()), limit, "see docs/limits.md");
                return null;
            }
            problems.add(Loc.of(file, e.getLocation()), "YAML syntax error: " + firstLine(e.getOriginalMessage()),
                    "check indentation, quoting and that lists start with '- '");
            return null;
        } catch (IOException | RuntimeException e) {
            problems.add(new Loc(file, 1, 1), "unreadable YAML: " + firstLine(String.valueOf(e.getMessage())),
                    "the file must be a YAML mapping with a 'rules' list");
            return null;
        }
    }

    private static YNode read(String file, JsonParser parser, Problems problems, int depth) throws IOException {
        Loc loc = Loc.of(file, parser.currentTokenLocation());
        JsonToken token = parser.currentToken();
        if (depth > MAX_DEPTH && (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY)) {
            problems.add(loc, "nested more than " + MAX_DEPTH + " levels deep", "a rules file needs at most 6");
            parser.skipChildren();
            return new YScalar(loc, JsonToken.VALUE_NULL, "");
        }
        switch (token) {
            case START_OBJECT -> {
                Map<String, YEntry> entries = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    Loc keyLoc = Loc.of(file, parser.currentTokenLocation());
                    parser.nextToken();
                    YNode value = read(file, parser, problems, depth + 1);
                    if (entries.putIfAbsent(key, new YEntry(keyLoc, value)) != null) {
                        problems.add(keyLoc, "duplicate key '" + key + "'",
                                "first written at " + entries.get(key).keyLoc() + "; keep one");
                    }
                }
                return new YMap(loc, entries);
            }
            case START_ARRAY -> {
                List<YNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(file, parser, problems, depth + 1));
                }
                return new YList(loc, items);
            }
            default -> {
                return new YScalar(loc, token, token == JsonToken.VALUE_NULL ? "" : parser.getText());
            }
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
