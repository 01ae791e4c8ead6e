package io.changegraph.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changegraph.repository.io.JsonMappers;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.GraphDocument;
import java.time.Instant;

/** The API's JSON: keys sorted, so responses are deterministic; graphs always go through {@link GraphJson}. */
final class Json {
    static final ObjectMapper MAPPER = JsonMappers.SORTED;

    private Json() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("API values are plain maps, lists and scalars", e);
        }
    }

    /** The graph in {@code changegraph/v1} as a tree, to extend with API fields (status, delta bounds). */
    static ObjectNode graphTree(GraphDocument document) {
        try {
            return (ObjectNode) MAPPER.readTree(GraphJson.toJson(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("GraphJson writes valid JSON", e);
        }
    }

    static String time(Instant time) {
        return time == null ? null : time.toString();
    }
}
