package io.changegraph.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changegraph.repository.io.JsonMappers;

/** The hub's JSON: sorted keys (the repository's mapper), so answers are deterministic. */
final class Json {
    static final ObjectMapper MAPPER = JsonMappers.SORTED;

    private Json() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plain values always serialise", e);
        }
    }

    static String array(java.util.List<String> values) {
        return write(values);
    }

    /** Parses JSON the hub itself stored (jsonb read back as text). */
    static JsonNode read(String text) {
        if (text == null) {
            return null;
        }
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the database holds JSON that does not parse: " + e.getOriginalMessage(), e);
        }
    }
}
