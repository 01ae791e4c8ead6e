package io.changegraph.hub;

import io.changegraph.repository.store.SessionRecord;
import io.changegraph.web.TokenAuth;
import io.changegraph.web.WebUser;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's HTTPS server (Javalin on Jetty). One TLS connector that <em>wants</em> a client certificate:
 * {@code /api/v1/ingest/**} requires one chained to the fleet CA (the handshake already verified the chain;
 * the certificate's CN is the host), the query API and {@code /metrics} take the web module's tokens and
 * users file instead.
 */
final class HubServer implements Hub {
    private static final Logger LOG = LoggerFactory.getLogger(HubServer.class);
    /** Most bytes one ingest request may carry on the wire. */
    static final int MAX_BODY = 8 * 1024 * 1024;
    /** Most bytes of JSON a gzip-encoded ingest request may unpack to (a whole graph of a big session). */
    static final int MAX_INFLATED = 64 * 1024 * 1024;
    private static final String CERT_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";
    private static final Map<String, String> SECURITY_HEADERS = Map.of(
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "no-store");

    private final HubDatabase database;
    private final IngestStore ingest;
    private final FleetQueries queries;
    private final HubMetrics metrics;
    private final TokenAuth auth;
    private final GraphRebuilder graphs;
    private final Retention retention;
    private final Javalin app;
    private final io.changegraph.web.FleetViewer viewer;
    private ServerConnector connector;

    private HubServer(HubConfig config, HubDatabase database, HubMetrics metrics, KeyStore keys, KeyStore trust) {
        this.database = database;
        this.metrics = metrics;
        this.ingest = new IngestStore(database);
        this.queries = new FleetQueries(database);
        this.graphs = new GraphRebuilder(database);
        this.retention = new Retention(database, config.retentionDays(), metrics);
        this.auth = new TokenAuth(config.token(), config.users());
        this.app = Javalin.create(javalin -> {
            javalin.showJavalinBanner = false;
            javalin.http.maxRequestSize = MAX_BODY;
            javalin.http.disableCompression();
            io.changegraph.web.FleetViewer.configure(javalin);   // the viewer's pages (docs/fleet.md)
            javalin.jetty.addConnector((server, http) -> {
                http.setSecureScheme("https");
                http.addCustomizer(new SecureRequestCustomizer(false));
                SslContextFactory.Server ssl = new SslContextFactory.Server();
                ssl.setKeyStore(keys);
                ssl.setKeyStorePassword(new String(TlsMaterial.NO_PASSWORD));
                ssl.setTrustStore(trust);
                ssl.setWantClientAuth(true);
                ssl.setEndpointIdentificationAlgorithm(null);
                ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
                ServerConnector c = new ServerConnector(server, ssl, new HttpConnectionFactory(http));
                c.setHost(config.bind());
                c.setPort(config.port());
                connector = c;
                return c;
            });
        });
        app.before(ctx -> {
            SECURITY_HEADERS.forEach(ctx::header);
            if (!ctx.path().startsWith("/api/v1/ingest") && !ctx.path().equals("/healthz")) {
                auth.check(ctx);
            }
        });
        app.post("/api/v1/ingest", this::ingest);
        app.get("/api/v1/ingest/sessions/{id}", this::position);
        app.get("/api/v1/fleet/sessions", this::sessions);
        app.get("/api/v1/fleet/sessions/{host}/{id}", this::session);
        app.get("/api/v1/fleet/sessions/{host}/{id}/graph", this::graph);
        app.get("/api/v1/fleet/diff", new FleetDiffApi(database)::handle);
        this.viewer = io.changegraph.web.FleetViewer.mount(app, new HubSessionSource(database));
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        app.get("/healthz", ctx -> json(ctx, 200, Map.of("status", "ok")));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
        app.exception(SQLException.class, (e, ctx) -> databaseFailure(ctx, e));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.warn("internal error on {} {}", ctx.method(), ctx.path(), e);
            error(ctx, 500, "internal error: " + e);
        });
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                error(ctx, 404, "not found");
            }
        });
    }

    static Hub start(HubConfig config) {
        if (!config.loopbackOnly() && !config.authenticated()) {
            throw new HubStartException("refusing to serve the query API on " + config.bind()
                    + " without a token: give --users-file FILE or --token-file FILE, or listen on 127.0.0.1");
        }
        probePort(config);
        KeyStore keys = TlsMaterial.keyStore(config.tlsCert(), config.tlsKey());
        KeyStore trust = TlsMaterial.trustStore(config.clientCa());
        DatabaseUrl url = DatabaseUrl.parse(config.database(), config.dbPassword());
        HubMetrics metrics = new HubMetrics();
        HubDatabase database = HubDatabase.open(url, metrics.registry());
        try {
            HubServer server = new HubServer(config, database, metrics, keys, trust);
            server.app.start();
            server.graphs.resumePending();
            server.retention.start();
            return server;
        } catch (RuntimeException e) {
            database.close();
            if (e instanceof HubStartException start) {
                throw start;
            }
            throw new HubStartException("cannot listen on " + config.bind() + ":" + config.port() + ": "
                    + HubDatabase.rootMessage(e));
        }
    }

    /** A port in use is one line now, not a stack trace from Jetty after the database was opened. */
    private static void probePort(HubConfig config) {
        if (config.port() == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(config.bind(), config.port()));
        } catch (IOException e) {
            throw new HubStartException("cannot listen on " + config.bind() + ":" + config.port() + ": " + e.getMessage()
                    + ": stop what uses it or give another --listen port");
        }
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            app.stop();
            viewer.close();
            graphs.close();
            retention.close();
        } finally {
            database.close();
        }
    }

    // ---- ingest (mutual TLS) ----

    /** The host a request comes from: its client certificate's CN (the TLS handshake verified the chain). */
    private static String host(Context ctx, HubMetrics metrics) {
        X509Certificate[] chain = (X509Certificate[]) ctx.req().getAttribute(CERT_ATTRIBUTE);
        if (chain == null || chain.length == 0) {
            metrics.rejected("unauthenticated");
            throw new HttpResponseException(401, "ingest needs a client certificate signed by the fleet CA"
                    + " (scripts/fleet-certs.sh makes one per host)");
        }
        String cn = TlsMaterial.commonName(chain[0]);
        if (cn == null || cn.isBlank()) {
            metrics.rejected("forbidden");
            throw new HttpResponseException(403, "the client certificate has no CN: the CN is the host's name");
        }
        return cn;
    }

    private void ingest(Context ctx) throws SQLException {
        long start = System.nanoTime();
        String host = host(ctx, metrics);
        IngestBatch batch;
        try {
            batch = IngestBatch.parse(body(ctx));
        } catch (IngestBatch.BadBatch e) {
            metrics.rejected("bad_request");
            throw new HttpResponseException(400, e.getMessage());
        }
        IngestStore.Outcome outcome;
        try {
            outcome = ingest.ingest(host, batch);
        } catch (SQLException e) {
            metrics.rejected("unavailable");
            throw e;
        }
        switch (outcome) {
            case IngestStore.Outcome.Stored stored -> {
                metrics.stored(stored, Duration.ofNanos(System.nanoTime() - start));
                if (batch.session().state() != SessionRecord.State.LIVE && batch.graphGzip() == null) {
                    graphs.request(host, batch.session().id());   // if every event is here and no graph came
                }
                json(ctx, 200, Map.of("next_seq", stored.nextSeq()));
            }
            case IngestStore.Outcome.Gap gap -> {
                metrics.rejected("gap");
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("error", "gap: first_seq " + batch.firstSeq() + " is past what the hub holds of session "
                        + batch.session().id() + ": resend from next_seq " + gap.nextSeq());
                body.put("next_seq", gap.nextSeq());
                json(ctx, 409, body);
            }
            case IngestStore.Outcome.Forbidden forbidden -> {
                metrics.rejected("forbidden");
                error(ctx, 403, forbidden.message());
            }
        }
    }

    private void position(Context ctx) throws SQLException {
        String host = host(ctx, metrics);
        long next = ingest.position(host, ctx.pathParam("id"));
        if (next < 0) {
            error(ctx, 403, "session id " + ctx.pathParam("id") + " belongs to another host");
            return;
        }
        json(ctx, 200, Map.of("next_seq", next));
    }

    /** The request body, at most {@link #MAX_BODY} bytes on the wire; {@code Content-Encoding: gzip} is unpacked. */
    private byte[] body(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_BODY) {
            metrics.rejected("too_large");
            throw new HttpResponseException(413, "the body has " + declared + " bytes: send at most " + MAX_BODY
                    + " a request (fewer events per batch, or Content-Encoding: gzip)");
        }
        String encoding = ctx.header("Content-Encoding");
        try {
            byte[] wire = readAtMost(ctx.req().getInputStream(), MAX_BODY, "the body");
            if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
                return wire;
            }
            if (!encoding.equalsIgnoreCase("gzip")) {
                throw new HttpResponseException(415, "Content-Encoding '" + encoding + "' is not supported: send gzip or none");
            }
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(wire))) {
                return readAtMost(in, MAX_INFLATED, "the unpacked body");
            }
        } catch (TooLarge e) {
            metrics.rejected("too_large");
            throw new HttpResponseException(413, e.getMessage());
        } catch (IOException e) {
            metrics.rejected("bad_request");
            throw new HttpResponseException(400, "cannot read the body: " + e.getMessage());
        }
    }

    private static byte[] readAtMost(InputStream in, int max, String what) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        byte[] buffer = new byte[64 * 1024];
        int n;
        long total = 0;
        while ((n = in.read(buffer)) >= 0) {
            total += n;
            if (total > max) {
                throw new TooLarge(what + " is over " + max + " bytes: send fewer events per batch");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static final class TooLarge extends IOException {
        TooLarge(String message) {
            super(message);
        }
    }

    // ---- query API (tokens / users file) ----

    /** The owner uid a role {@code user} is limited to; null for admin and auditor. */
    private static Integer ownerLimit(Context ctx) {
        WebUser user = TokenAuth.user(ctx);
        return user.role() == WebUser.Role.USER ? user.uid() : null;
    }

    private void sessions(Context ctx) throws SQLException {
        SessionFilter filter;
        try {
            filter = new SessionFilter(ctx.queryParam("host"), ctx.queryParam("user"),
                    SessionFilter.since(ctx.queryParam("since"), Instant.now()), ctx.queryParam("command"), null,
                    SessionFilter.limit(ctx.queryParam("limit"))).withUid(ownerLimit(ctx));
        } catch (IllegalArgumentException e) {
            throw new HttpResponseException(400, e.getMessage());
        }
        List<Map<String, Object>> sessions = queries.sessions(filter);
        json(ctx, 200, Map.of("sessions", sessions));
    }

    private void session(Context ctx) throws SQLException {
        Optional<Map<String, Object>> session = queries.session(ctx.pathParam("host"), ctx.pathParam("id"), ownerLimit(ctx));
        if (session.isEmpty()) {
            error(ctx, 404, "no session " + ctx.pathParam("host") + "/" + ctx.pathParam("id"));
            return;
        }
        json(ctx, 200, session.get());
    }

    private void graph(Context ctx) throws SQLException, IOException {
        Optional<FleetQueries.StoredGraph> graph = queries.graph(ctx.pathParam("host"), ctx.pathParam("id"), ownerLimit(ctx));
        if (graph.isEmpty()) {
            error(ctx, 404, "no graph of session " + ctx.pathParam("host") + "/" + ctx.pathParam("id")
                    + " yet (the agent pushes it when the session ends)");
            return;
        }
        ctx.contentType("application/json");
        String accept = ctx.header("Accept-Encoding");
        if (accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("gzip")) {
            ctx.header("Content-Encoding", "gzip");
            ctx.result(graph.get().gzip());
        } else {
            ctx.result(new GZIPInputStream(new java.io.ByteArrayInputStream(graph.get().gzip())));
        }
    }

    // ---- answers ----

    private void databaseFailure(Context ctx, SQLException e) {
        metrics.databaseError();
        if (HubDatabase.unavailable(e)) {
            LOG.warn("database unavailable on {} {}: {}", ctx.method(), ctx.path(), HubDatabase.rootMessage(e));
            ctx.header("Retry-After", "2");
            error(ctx, 503, "the database is unavailable: retry later (" + HubDatabase.rootMessage(e) + ")");
        } else {
            LOG.warn("database error on {} {}", ctx.method(), ctx.path(), e);
            error(ctx, 500, "database error: " + HubDatabase.rootMessage(e));
        }
    }

    static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    static void error(Context ctx, int status, String message) {
        json(ctx, status, Map.of("error", message == null ? "" : message));
    }
}
