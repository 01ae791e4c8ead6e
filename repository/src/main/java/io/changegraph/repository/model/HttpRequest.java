package io.changegraph.repository.model;

import java.util.Objects;

/**
 * The request line (and Host header, null when absent) of a plain-HTTP request: the first bytes a
 * process sent on a connection. The JSON {@code http} object of a connect edge.
 */
public record HttpRequest(String method, String host, String path) {
    public HttpRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        if (method.isEmpty()) {
            throw new IllegalArgumentException("empty HTTP method");
        }
    }
}
