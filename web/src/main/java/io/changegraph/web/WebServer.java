package io.changegraph.web;

import java.net.URI;

/**
 * A running viewer. Owns the HTTP server and the file watcher; {@link #close()} stops both.
 */
public interface WebServer extends AutoCloseable {
    /**
     * Loads the configured graphs, binds and starts serving.
     *
     * @throws WebStartException when the configuration is unsafe (off loopback without a token), a given
     *                           file is missing or not a graph, or the port cannot be bound
     */
    static WebServer start(WebConfig config) {
        return JavalinWebServer.start(config);
    }

    /** The port actually bound (useful when the configured port was 0). */
    int port();

    /** The page to open: the diff view when the configuration has a diff pair, else the sessions list. */
    URI startPage();

    @Override
    void close();
}
