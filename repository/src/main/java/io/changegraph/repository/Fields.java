package io.changegraph.repository;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

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

    String where() {
        return where;
    }

    boolean has(String key) {
        return json.hasNonNull(key);
    }

    String text(String key) {
        JsonNode value = required(key);
        if (!value.isTextual()) {
            throw wrong(key, "a string");
        }
        return value.textValue();
    }

    String optionalText(String key) {
        return has(key) ? text(key) : null;
    }

    long longValue(String key) {
        JsonNode value = required(key);
        if (!value.canConvertToLong() || !value.isIntegralNumber()) {
            throw wrong(key, "an integer");
        }
        return value.longValue();
    }

    int intValue(String key) {
        JsonNode value = required(key);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw wrong(key, "a 32-bit integer");
        }
        return value.intValue();
    }

    Integer optionalInt(String key) {
        return has(key) ? intValue(key) : null;
    }

    boolean bool(String key) {
        JsonNode value = required(key);
        if (!value.isBoolean()) {
            throw wrong(key, "true or false");
        }
        return value.booleanValue();
    }

    Instant time(String key) {
        if (!has(key)) {
            return null;
        }
        String text = text(key);
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

    Fields object(String key) {
        JsonNode value = required(key);
        if (!value.isObject()) {
            throw wrong(key, "an object");
        }
        return new Fields(value, where + ": " + key);
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
        JsonNode value = required(key);
        if (!value.isArray()) {
            throw wrong(key, "an array");
        }
        return value;
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
}
