package io.changegraph.repository.formats;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.model.Verb;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Typed access to one JSON object of a graph file, naming where it is ({@code graph.json: nodes[3]}) in every
 * error, so a bad file gets one line that says which value is wrong. Unknown keys are never looked at.
 */
final class Fields {
    private final JsonNode json;
    private final String where;

    Fields(JsonNode json, String where) {
        this.json = json;
        this.where = where;
    }

    /** The JSON object itself. */
    JsonNode raw() {
        return json;
    }

    String where() {
        return where;
    }

    boolean has(String key) {
        return json.hasNonNull(key);
    }

    String text(String key) {
        return typed(key, JsonNode::isTextual, "a string", JsonNode::textValue);
    }

    String optionalText(String key) {
        return has(key) ? text(key) : null;
    }

    long longValue(String key) {
        return typed(key, value -> value.isIntegralNumber() && value.canConvertToLong(), "an integer", JsonNode::longValue);
    }

    int intValue(String key) {
        return typed(key, value -> value.isIntegralNumber() && value.canConvertToInt(), "a 32-bit integer", JsonNode::intValue);
    }

    Integer optionalInt(String key) {
        return has(key) ? intValue(key) : null;
    }

    boolean bool(String key) {
        return typed(key, JsonNode::isBoolean, "true or false", JsonNode::booleanValue);
    }

    Instant time(String key) {
        if (!has(key)) {
            return null;
        }
        String text = text(key);
        Instant fast = utc(text);
        if (fast != null) {
            return fast;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw wrong(key, "an ISO-8601 UTC time like 2026-11-21T20:00:00Z, not '" + text + "'");
        }
    }

    Verb verb(String key) {
        String text = text(key);
        try {
            return Verb.fromWire(text);
        } catch (IllegalArgumentException e) {
            throw new GraphFormatException(where + ": '" + key + "': " + e.getMessage());
        }
    }

    List<String> texts(String key) {
        JsonNode value = array(key);
        List<String> texts = new ArrayList<>(value.size());
        for (JsonNode element : value) {
            if (!element.isTextual()) {
                throw wrong(key, "an array of strings");
            }
            texts.add(element.textValue());
        }
        return texts;
    }

    /** The keys of this object, in document order. */
    List<String> keys() {
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    Fields object(String key) {
        return new Fields(typed(key, JsonNode::isObject, "an object", value -> value), where + ": " + key);
    }

    List<Fields> objects(String key) {
        JsonNode value = array(key);
        List<Fields> objects = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isObject()) {
                throw wrong(key + "[" + i + "]", "an object");
            }
            objects.add(new Fields(value.get(i), where + ": " + key + "[" + i + "]"));
        }
        return objects;
    }

    private JsonNode array(String key) {
        return typed(key, JsonNode::isArray, "an array", value -> value);
    }

    private <T> T typed(String key, Predicate<JsonNode> valid, String expected, Function<JsonNode, T> read) {
        JsonNode value = required(key);
        if (!valid.test(value)) {
            throw wrong(key, expected);
        }
        return read.apply(value);
    }

    private JsonNode required(String key) {
        JsonNode value = json.get(key);
        if (value == null || value.isNull()) {
            throw new GraphFormatException(where + ": missing required key '" + key + "'");
        }
        return value;
    }

    private GraphFormatException wrong(String key, String expected) {
        return new GraphFormatException(where + ": '" + key + "' must be " + expected);
    }

    /**
     * {@code 2026-11-21T20:00:01.123456789Z}, the form every writer of graphs uses, parsed without the
     * formatter (a 200 MB graph has a million of them); null for any other form, which Instant.parse judges.
     */
    static Instant utc(String text) {
        int n = text.length();
        if (n < 20 || n > 30 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(n - 1) != 'Z') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = 0;
        if (n > 20) {
            if (text.charAt(19) != '.' || n - 21 > 9 || n == 21) {
                return null;
            }
            int fraction = digits(text, 20, n - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = n - 21; i < 9; i++) {
                nanos *= 10;
            }
        } else if (text.charAt(19) != 'Z') {
            return null;
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > java.time.YearMonth.of(year, month)
                .lengthOfMonth() || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3600L + minute * 60L + second, nanos);
    }

    /** The decimal number in text[from, to), or -1 when a character is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
