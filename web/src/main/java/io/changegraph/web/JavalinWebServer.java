package io.changegraph.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changegraph.repository.diff.DiffOptions;
import io.changegraph.repository.diff.RemoteMatch;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Verb;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.HttpResponseException;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.staticfiles.Location;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The viewer on Javalin: static pages from {@code /public}, Cytoscape from its WebJar, the read-only JSON API
 * and the live stream. Lifecycle: the session index (file poller) is opened first and closed last.
 */
final class JavalinWebServer implements WebServer {
    private static final Logger LOG = LoggerFactory.getLogger(JavalinWebServer.class);
    static final Duration POLL = Duration.ofMillis(300);
    private static final String JSON = "application/json";
    static final int SEARCH_LIMIT = 500;
    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD");
    private static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
                    + "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                    + "form-action 'none'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer");

    private final SessionIndex index;
    private final LiveStream live;
    private final Javalin app;
    private final URI startPage;
    private final DiffOptions diffOptions;
    private final NetwatchLog netwatch;

    private JavalinWebServer(WebConfig config, SessionIndex index) {
        this.index = index;
        this.live = new LiveStream(index);
        this.diffOptions = config.diffOptions();
        this.netwatch = config.netwatchFile().map(NetwatchLog::new).orElse(null);
        TokenAuth auth = new TokenAuth(config.token(), config.users());
        this.app = Javalin.create(javalin -> {
            javalin.showJavalinBanner = false;
            javalin.staticFiles.add("/public", Location.CLASSPATH);
            javalin.staticFiles.enableWebjars();
            javalin.http.prefer405over404 = true;
        });
        app.before(ctx -> {
            SECURITY_HEADERS.forEach(ctx::header);
            if (ctx.path().startsWith("/api/")) {
                ctx.header("Cache-Control", "no-store");  // WebJars keep Javalin's long-lived caching
            }
            if (!READ_METHODS.contains(ctx.method().name())) {
                ctx.header("Allow", "GET, HEAD");
                throw new MethodNotAllowedResponse("this API is read-only: only GET and HEAD");
            }
            auth.check(ctx);
        });
        app.get("/api/info", this::info);
        app.get("/api/sessions", this::sessions);
        app.get("/api/sessions/{id}", ctx -> json(ctx, Json.write(SessionSummary.of(session(ctx), Instant.now()))));
        app.get("/api/sessions/{id}/graph", this::graph);
        app.get("/api/sessions/{id}/view", ctx -> json(ctx, Json.write(impactView(ctx).json())));
        app.get("/api/sessions/{id}/search", this::search);
        app.get("/api/sessions/{id}/alerts", ctx -> json(ctx, Json.write(alertsOf(session(ctx)))));
        app.get("/api/sessions/{id}/events", ctx -> live.subscribe(ctx, session(ctx)));
        app.get("/api/alerts", this::alerts);
        app.get("/api/diff", this::diff);
        app.get("/api/netwatch", this::netwatch);
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                error(ctx, 404, "not found");
            }
        });
        this.startPage = config.diff()
                .map(pair -> URI.create("/graph.html?canary=" + idOf(index, pair.canary())
                        + "&production=" + idOf(index, pair.production())))
                .orElse(URI.create("/"));
    }

    static WebServer start(WebConfig config) {
        if (!config.loopbackOnly() && !config.authenticated()) {
            throw new WebStartException("refusing to listen on " + config.bind()
                    + " without a token: set one with --token-env VAR or --token-file FILE, give --users-file FILE,"
                    + " or bind 127.0.0.1");
        }
        SessionIndex index = new SessionIndex(config.allSources());
        try {
            JavalinWebServer server = new JavalinWebServer(config, index);
            server.app.start(config.bind(), config.port());
            index.watch(POLL);
            return server;
        } catch (RuntimeException e) {
            index.close();
            if (e instanceof WebStartException start) {
                throw start;
            }
            throw new WebStartException("cannot listen on " + config.bind() + ":" + config.port() + ": "
                    + rootMessage(e));
        }
    }

    private static String idOf(SessionIndex index, Path file) {
        return index.byFile(file).map(LoadedSession::id)
                .orElseThrow(() -> new WebStartException("not a changegraph graph: " + file));
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return String.valueOf(cause.getMessage());
    }

    @Override
    public int port() {
        return app.port();
    }

    @Override
    public URI startPage() {
        return startPage;
    }

    private void info(Context ctx) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("schema", GraphDocument.SCHEMA);
        info.put("start_page", startPage.toString());
        info.put("sessions", visible(ctx).size());
        WebUser user = TokenAuth.user(ctx);
        Map<String, Object> who = new LinkedHashMap<>();
        who.put("name", user.name());
        who.put("role", user.role().wireName());
        who.put("uid", user.uid());
        info.put("user", user == WebUser.ANONYMOUS ? null : who);  // null: no token, no users file
        info.put("netwatch", netwatch != null && user.role() != WebUser.Role.USER);
        json(ctx, Json.write(info));
    }

    private void sessions(Context ctx) {
        Instant now = Instant.now();
        List<Map<String, Object>> rows = visible(ctx).stream()
                .sorted(Comparator.comparing((LoadedSession s) -> String.valueOf(s.document().session().started()))
                        .reversed().thenComparing(LoadedSession::id))
                .map(s -> SessionSummary.of(s, now))
                .toList();
        json(ctx, Json.write(rows));
    }

    private void graph(Context ctx) {
        LoadedSession session = session(ctx);
        ctx.header("X-Changegraph-Version", Long.toString(session.version()));
        ctx.header("Vary", "Accept-Encoding");
        String accepted = ctx.header("Accept-Encoding");
        if (accepted != null && accepted.contains("gzip")) {
            // already compressed (once per version); Javalin leaves a response with Content-Encoding alone
            ctx.header("Content-Encoding", "gzip");
            ctx.contentType(JSON).result(session.jsonGzipped());
        } else {
            ctx.contentType(JSON).result(session.json());
        }
    }

    /** The impact view of the session with the groups named in {@code expand} (comma-separated) opened. */
    private ImpactView impactView(Context ctx) {
        LoadedSession session = session(ctx);
        Set<String> expand = new TreeSet<>();
        String param = ctx.queryParam("expand");
        if (param != null && !param.isBlank()) {
            for (String id : param.split(",")) {
                if (!id.startsWith("g:") || id.length() > 200) {
                    throw new BadRequestResponse("expand takes group ids (g:...) separated by commas, not '"
                            + printable(id) + "'");
                }
                expand.add(id);
            }
        }
        ctx.header("X-Changegraph-Version", Long.toString(session.version()));
        return ImpactView.of(session.document(), session.summary(), session::noiseClass, expand);
    }

    /**
     * Nodes whose path, path history, exe, argv, address or module name contain {@code q} (case-insensitive),
     * at most {@value #SEARCH_LIMIT}, each with {@code in}: where the impact view with {@code expand} draws it
     * (itself, or the group it is folded into).
     */
    private void search(Context ctx) {
        String query = ctx.queryParam("q");
        if (query == null || query.isBlank()) {
            throw new BadRequestResponse("missing query parameter 'q' (the text to find)");
        }
        ImpactView view = impactView(ctx);
        List<Map<String, Object>> matches = new java.util.ArrayList<>();
        int total = 0;
        String needle = query.trim().toLowerCase(java.util.Locale.ROOT);
        for (var node : session(ctx).document().nodes()) {
            if (!SearchText.of(node).contains(needle)) {
                continue;
            }
            total++;
            if (matches.size() < SEARCH_LIMIT) {
                Map<String, Object> match = new LinkedHashMap<>();
                match.put("id", node.id());
                match.put("kind", node.kind());
                match.put("in", view.placement(node.id()));
                matches.add(match);
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("query", query);
        answer.put("total", total);
        answer.put("matches", matches);
        json(ctx, Json.write(answer));
    }

    private void alerts(Context ctx) {
        ArrayNode all = Json.MAPPER.createArrayNode();
        visible(ctx).stream().sorted(Comparator.comparing(LoadedSession::id))
                .forEach(session -> all.addAll(alertsOf(session)));
        json(ctx, Json.write(all));
    }

    /** The session's alerts as {@code changegraph/v1} writes them, each with the session's id added. */
    private static ArrayNode alertsOf(LoadedSession session) {
        GraphDocument document = session.document();
        ArrayNode alerts = (ArrayNode) Json.graphTree(new GraphDocument(document.session(), document.stats(),
                List.of(), List.of(), document.alerts())).get("alerts");
        alerts.forEach(alert -> ((ObjectNode) alert).put("session", session.id()));
        return alerts;
    }

    /**
     * netwatch per destination over time ({@link NetwatchLog#view}): host-wide, so only for admin and auditor (403
     * for a user); {@code window} ({@code 15m}, {@code 1h}, {@code 6h}, {@code 24h}, {@code 7d}; default 1h) and
     * {@code buckets} (10-120, default 60).
     */
    private void netwatch(Context ctx) {
        if (TokenAuth.user(ctx).role() == WebUser.Role.USER) {
            throw new io.javalin.http.ForbiddenResponse(
                    "netwatch shows every process on the host: only admin and auditor users may see it");
        }
        if (netwatch == null) {
            throw new NotFoundResponse("no netwatch file: give serve --netwatch FILE (the JSON lines of"
                    + " 'changegraph netwatch --json' or the agent's STORE/netwatch.jsonl)");
        }
        String window = java.util.Objects.requireNonNullElse(ctx.queryParam("window"), "1h");
        Duration span = switch (window) {
            case "15m" -> Duration.ofMinutes(15);
            case "1h" -> Duration.ofHours(1);
            case "6h" -> Duration.ofHours(6);
            case "24h" -> Duration.ofHours(24);
            case "7d" -> Duration.ofDays(7);
            default -> throw new BadRequestResponse("window takes 15m, 1h, 6h, 24h or 7d, not '" + printable(window) + "'");
        };
        int buckets;
        try {
            buckets = Integer.parseInt(java.util.Objects.requireNonNullElse(ctx.queryParam("buckets"), "60"));
        } catch (NumberFormatException e) {
            buckets = -1;
        }
        if (buckets < 10 || buckets > 120) {
            throw new BadRequestResponse("buckets takes a number from 10 to 120");
        }
        Map<String, Object> view = netwatch.view(span, buckets);
        view.put("window", window);
        json(ctx, Json.write(view));
    }

    private void diff(Context ctx) {
        LoadedSession canary = sessionParam(ctx, "canary");
        LoadedSession production = sessionParam(ctx, "production");
        json(ctx, DiffView.json(canary, production, diffOptions(ctx), "differences".equals(ctx.queryParam("only"))));
    }

    /**
     * The server's diff options ({@code serve --normalize/--ignore-path/...}) with what the URL adds, named as
     * the CLI's options: {@code ignore_path} and {@code ignore_verb} (repeatable, added to the server's),
     * {@code count_tolerance}, {@code remote_match} ({@code full}, {@code port}, {@code host}).
     */
    private DiffOptions diffOptions(Context ctx) {
        DiffOptions options = diffOptions;
        try {
            List<String> paths = ctx.queryParams("ignore_path");
            if (!paths.isEmpty()) {
                options = options.withIgnorePaths(java.util.stream.Stream.concat(options.ignorePaths().stream(),
                        paths.stream()).distinct().toList());
            }
            List<String> verbs = ctx.queryParams("ignore_verb");
            if (!verbs.isEmpty()) {
                Set<Verb> all = java.util.EnumSet.noneOf(Verb.class);
                all.addAll(options.ignoreVerbs());
                verbs.forEach(verb -> all.add(Verb.fromWire(verb)));
                options = options.withIgnoreVerbs(all);
            }
            String tolerance = ctx.queryParam("count_tolerance");
            if (tolerance != null) {
                options = options.withCountTolerance(Double.parseDouble(tolerance));
            }
            String match = ctx.queryParam("remote_match");
            if (match != null) {
                options = options.withRemoteMatch(RemoteMatch.valueOf(match.toUpperCase(java.util.Locale.ROOT)));
            }
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse("bad diff option: " + printable(String.valueOf(e.getMessage()))
                    + " (ignore_path=GLOB, ignore_verb=VERB, count_tolerance=RATIO, remote_match=full|port|host)");
        }
        return options;
    }

    private LoadedSession session(Context ctx) {
        return visibleSession(ctx, ctx.pathParam("id"));
    }

    /** The sessions the requesting user may see (all for admin and auditor). */
    private List<LoadedSession> visible(Context ctx) {
        WebUser user = TokenAuth.user(ctx);
        return index.sessions().stream().filter(user::maySee).toList();
    }

    /**
     * The session {@code id} if the requesting user may see it. One they may not see is answered exactly like
     * an unknown id (404, same message), so its existence does not leak.
     */
    private LoadedSession visibleSession(Context ctx, String id) {
        WebUser user = TokenAuth.user(ctx);
        return index.find(id).filter(user::maySee)
                .orElseThrow(() -> new NotFoundResponse("no session with id '" + printable(id) + "'"));
    }

    private LoadedSession sessionParam(Context ctx, String name) {
        String id = ctx.queryParam(name);
        if (id == null) {
            throw new BadRequestResponse("missing query parameter '" + name + "' (a session id)");
        }
        return visibleSession(ctx, id);
    }

    /** An id from a URL as it may appear in an error message: short, printable ASCII. */
    private static String printable(String id) {
        String clean = id.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
    }

    private static void json(Context ctx, String body) {
        ctx.contentType(JSON).result(body);
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status);
        if (ctx.path().startsWith("/api/")) {
            json(ctx, Json.write(Map.of("error", message)));
        } else {
            ctx.contentType("text/plain; charset=utf-8").result(message + "\n");
        }
    }

    @Override
    public void close() {
        live.close();
        app.stop();
        index.close();
        LOG.debug("web server stopped");
    }
}
