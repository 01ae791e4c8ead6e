package io.changegraph.repository;

import com.fasterxml.jackson.databind.JsonNode;
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
}
