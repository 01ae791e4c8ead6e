package io.changegraph.forward;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.io.JsonMappers;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The hub's ingest API over mutual TLS (docs/fleet.md, "Agents"): one synchronous request at a time. */
final class HubClient implements AutoCloseable {
    /** The hub's limit on a request's body on the wire. */
    static final long MAX_BODY = 8L << 20;
    /** The hub's limit on what a gzip-encoded body may unpack to. */
    static final long MAX_INFLATED = 64L << 20;
    /** Bodies larger than this are sent gzip-encoded (fastest level: JSON shrinks about tenfold). */
    static final int GZIP_FROM = 64 << 10;

    /**
     * What the hub said, or why it said nothing.
     *
     * @param status  the HTTP status, or 0 when there was no answer ({@code problem} says why)
     * @param nextSeq the hub's next_seq when the answer had one, else -1
     * @param problem one line: the hub's error, or what went wrong on the way
     * @param tls     the TLS handshake failed (a certificate the other side does not accept)
     */
    record Answer(int status, long nextSeq, String problem, boolean tls) {
        boolean ok() {
            return status == 200 && nextSeq >= 0;
        }
    }

    private final URI base;
    private final HttpClient http;

    HubClient(URI base, PemTls tls) {
        this.base = base;
        this.http = HttpClient.newBuilder().sslContext(tls.context()).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(15)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The bytes to send for {@code body} (gzip above {@link #GZIP_FROM}), and whether they are gzip. */
    record Encoded(byte[] bytes, boolean gzip) {
    }

    static Encoded encode(String body) {
        byte[] json = body.getBytes(StandardCharsets.UTF_8);
        if (json.length < GZIP_FROM) {
            return new Encoded(json, false);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(json.length / 8 + 1024);
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_SPEED);
            }
        }) {
            gz.write(json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);   // in memory: does not happen
        }
        return new Encoded(out.toByteArray(), true);
    }

    /** POST /api/v1/ingest with an {@link #encode encoded} body. */
    Answer push(Encoded body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/api/v1/ingest"))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json");
        if (body.gzip()) {
            request.header("Content-Encoding", "gzip");
        }
        return send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes())).build());
    }

    /** GET /api/v1/ingest/sessions/{id}: the hub's next_seq for one of this host's sessions (0 when unknown). */
    Answer position(String id) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/ingest/sessions/"
                + URLEncoder.encode(id, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(30)).GET().build();
        return send(request);
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long next = -1;
            String error = null;
            try {
                JsonNode json = JsonMappers.SORTED.readTree(response.body());
                if (json != null && json.path("next_seq").isIntegralNumber()) {
                    next = json.path("next_seq").asLong();
                }
                if (json != null && json.hasNonNull("error")) {
                    error = json.get("error").asText();
                }
            } catch (IOException | RuntimeException e) {
                error = response.statusCode() == 200 ? "an answer that is not JSON" : null;
            }
            if (error == null && response.statusCode() != 200) {
                error = "HTTP " + response.statusCode();
            }
            return new Answer(response.statusCode(), next, error, false);
        } catch (SSLHandshakeException e) {
            return new Answer(0, -1, "TLS handshake failed: " + message(e), true);
        } catch (SSLException e) {
            return new Answer(0, -1, "TLS failed: " + message(e), true);
        } catch (HttpConnectTimeoutException e) {
            return new Answer(0, -1, "connecting timed out", false);
        } catch (HttpTimeoutException e) {
            return new Answer(0, -1, "no answer within the timeout", false);
        } catch (ConnectException e) {
            String m = e.getMessage();
            return new Answer(0, -1, "cannot connect to " + base.getHost() + ":" + (base.getPort() < 0 ? 443 : base.getPort()) + " ("
                    + (m == null || m.isBlank() ? "connection refused, or no route" : m) + ")", false);
        } catch (IOException e) {
            Throwable ssl = cause(e, SSLException.class);
            if (ssl != null) {
                return new Answer(0, -1, "TLS failed: " + message(ssl), true);
            }
            return new Answer(0, -1, message(e), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, -1, "interrupted", false);
        }
    }

    private static Throwable cause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }

    private static String message(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return (m == null || m.isBlank() ? t.getClass().getSimpleName() : m).replaceAll("\\s+", " ");
    }

    @Override
    public void close() {
        http.close();
    }
}
