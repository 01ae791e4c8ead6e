package io.changegraph.monitor;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.changegraph.repository.io.JsonMappers;

/** The one JSON mapper of the module: sorted keys, so logs, outbox files and posts are deterministic. */
final class Json {
    static final ObjectMapper MAPPER = JsonMappers.SORTED;

    private Json() {
    }
}
