package io.changegraph.controller.ops;

import io.changegraph.controller.UsageException;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Prometheus endpoint ({@code GET /metrics}, text exposition format) of the agent or of {@code record}: a
 * Micrometer {@link PrometheusMeterRegistry} with the {@link RecorderMeters}, served by the JDK's HTTP server on
 * one thread. Owns the server; {@link #close} stops it.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final HttpServer server;
    private final ExecutorService executor;
    /** what the meters read: held here, as long as the registry (Micrometer holds function counters' weakly) */
    private final Object sources;

    private MetricsEndpoint(PrometheusMeterRegistry registry, HttpServer server, ExecutorService executor,
                            Object sources) {
        this.registry = registry;
        this.sources = sources;
        this.server = server;
        this.executor = executor;
    }

    /** Binds {@code listen} and serves the recorder's meters; a one-line {@link UsageException} when it cannot. */
    public static MetricsEndpoint start(InetSocketAddress listen, RecorderMeters.Sources sources) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Object held = RecorderMeters.bind(registry, sources);
        HttpServer server;
        try {
            server = HttpServer.create(listen, 8);
        } catch (BindException e) {
            registry.close();
            throw new UsageException("metrics: cannot listen on " + listen.getHostString() + ":" + listen.getPort()
                    + " (" + e.getMessage() + "): choose a free port");
        } catch (IOException e) {
            registry.close();
            throw new UsageException("metrics: cannot listen on " + listen + ": " + e.getMessage());
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(
                r -> Thread.ofPlatform().name("changegraph-metrics").daemon(true).unstarted(r));
        server.setExecutor(executor);
        MetricsEndpoint endpoint = new MetricsEndpoint(registry, server, executor, held);
        server.createContext("/", endpoint::handle);
        server.start();
        LOG.info("metrics on http://{}:{}/metrics", listen.getHostString(), endpoint.port());
        return endpoint;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    String scrape() {
        return registry.scrape();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!path.equals("/metrics") && !path.equals("/")) {
                send(exchange, 404, "not found: the metrics are at /metrics\n", "text/plain; charset=utf-8");
            } else if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                send(exchange, 405, "GET only\n", "text/plain; charset=utf-8");
            } else {
                send(exchange, 200, registry.scrape(), CONTENT_TYPE);
            }
        } catch (RuntimeException e) {
            LOG.warn("metrics scrape failed: {}", e.toString());
        }
    }

    private static void send(HttpExchange exchange, int status, String body, String type) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        registry.close();
    }
}
