package io.changegraph.forward;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.changegraph.repository.io.JsonMappers;

import javax.naming.ldap.LdapName;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hub's ingest contract (/work/hub-contract.md, docs/fleet.md) in memory, over mutual TLS: what the
 * forwarder's unit tests run against. The real hub (PostgreSQL) is exercised end to end by the controller's
 * FleetHubIT; this one can be told to fail in ways that are hard to time with the real one.
 */
final class ContractHub implements AutoCloseable {
    /** One session at the hub. */
    static final class Held {
        final String host;
        final TreeMap<Long, String> events = new TreeMap<>();
        JsonNode session;
        JsonNode summary;
        JsonNode graph;
        long offeredAgain;

        Held(String host) {
            this.host = host;
        }

        long nextSeq() {
            long n = 0;
            while (events.containsKey(n)) {
                n++;
            }
            return n;
        }
    }

    final Map<String, Held> sessions = new ConcurrentHashMap<>();
    /** the next N requests are answered 503 without being applied */
    final AtomicInteger unavailable = new AtomicInteger();
    /** the next N requests are applied, then answered 503 (an answer lost on the way) */
    final AtomicInteger loseAnswers = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger conflicts = new AtomicInteger();
    final AtomicInteger gzipped = new AtomicInteger();
    private final HttpsServer server;

    ContractHub(TestCerts certs) throws IOException {
        this(certs, 0);
    }

    /** On {@code port} (0: any free one). */
    ContractHub(TestCerts certs, int port) throws IOException {
        PemTls tls = PemTls.load(new HubSettings(URI.create("https://127.0.0.1"), certs.file("hub.crt"),
                certs.file("hub.key"), certs.file("ca.crt"), 1 << 20));
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.context()) {
            @Override
            public void configure(HttpsParameters params) {
                javax.net.ssl.SSLParameters p = tls.context().getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/api/v1/ingest", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    HubSettings settings(TestCerts certs, String host, long backlogBytes) {
        return new HubSettings(url(), certs.file(host + ".crt"), certs.file(host + ".key"), certs.file("ca.crt"),
                backlogBytes);
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        try (ex) {
            String cn = commonName(ex);
            if (unavailable.get() > 0 && unavailable.getAndDecrement() > 0) {
                answer(ex, 503, Map.of("error", "database unavailable"));
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (ex.getRequestMethod().equals("GET") && path.startsWith("/api/v1/ingest/sessions/")) {
                Held h = sessions.get(path.substring("/api/v1/ingest/sessions/".length()));
                if (h != null && !h.host.equals(cn)) {
                    answer(ex, 403, Map.of("error", "session of another host"));
                    return;
                }
                answer(ex, 200, Map.of("next_seq", h == null ? 0 : h.nextSeq()));
                return;
            }
            byte[] raw = ex.getRequestBody().readAllBytes();
            if ("gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                gzipped.incrementAndGet();
                raw = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(raw)).readAllBytes();
            }
            JsonNode body = JsonMappers.SORTED.readTree(new String(raw, StandardCharsets.UTF_8));
            String id = body.path("session").path("id").asText();
            if (!cn.equals(body.path("session").path("host").asText())) {
                answer(ex, 403, Map.of("error", "session.host is not this certificate's CN " + cn));
                return;
            }
            Held h = sessions.computeIfAbsent(id, k -> new Held(cn));
            synchronized (h) {
                if (!h.host.equals(cn)) {
                    answer(ex, 403, Map.of("error", "session of another host"));
                    return;
                }
                long first = body.path("first_seq").asLong();
                if (first > h.nextSeq()) {
                    conflicts.incrementAndGet();
                    answer(ex, 409, Map.of("error", "gap", "next_seq", h.nextSeq()));
                    return;
                }
                long seq = first;
                for (JsonNode e : body.path("events")) {
                    if (h.events.putIfAbsent(seq++, e.toString()) != null) {
                        h.offeredAgain++;
                    }
                }
                h.session = body.get("session");
                if (body.hasNonNull("summary")) {
                    h.summary = body.get("summary");
                }
                if (body.hasNonNull("graph")) {
                    h.graph = body.get("graph");
                }
                if (loseAnswers.get() > 0 && loseAnswers.getAndDecrement() > 0) {
                    answer(ex, 503, Map.of("error", "answer lost"));
                    return;
                }
                answer(ex, 200, Map.of("next_seq", h.nextSeq()));
            }
        } catch (RuntimeException e) {
            answer(ex, 400, Map.of("error", e.toString()));
        }
    }

    private static String commonName(HttpExchange ex) {
        try {
            X509Certificate c = (X509Certificate) ((HttpsExchange) ex).getSSLSession().getPeerCertificates()[0];
            return new LdapName(c.getSubjectX500Principal().getName()).getRdns().stream()
                    .filter(r -> r.getType().equals("CN")).findFirst().orElseThrow().getValue().toString();
        } catch (Exception e) {
            throw new IllegalStateException("no client certificate", e);
        }
    }

    private static void answer(HttpExchange ex, int status, Map<String, Object> json) throws IOException {
        byte[] bytes = JsonMappers.SORTED.writeValueAsBytes(json);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
