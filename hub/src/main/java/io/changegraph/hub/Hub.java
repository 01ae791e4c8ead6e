package io.changegraph.hub;

/**
 * A running fleet hub: the HTTPS server (ingest over mutual TLS, the fleet query API, {@code /metrics}) and
 * its PostgreSQL pool. {@link #close()} stops the server, then the pool.
 */
public interface Hub extends AutoCloseable {
    /**
     * Connects to the database (migrating its schema), loads the TLS material, binds and starts serving.
     *
     * @throws HubStartException one line: unreachable database, a bad certificate or key file, an unusable
     *                           address, an unsafe configuration (query API off loopback without a token)
     */
    static Hub start(HubConfig config) {
        return HubServer.start(config);
    }

    /** The port actually bound (useful when the configured one was 0). */
    int port();

    @Override
    void close();
}
