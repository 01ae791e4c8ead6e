package io.changegraph.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.diff.DiffOptions;
import io.changegraph.repository.io.JsonMappers;
import io.changegraph.web.TokenAuth;
import io.changegraph.web.WebUser;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/fleet/diff?canary=HOST/ID&production=GLOB[&command=GLOB][&window=6h][&sessions=H/ID,...]}: the
 * canary's session against the matching session of every production host ({@link FleetMatch}), or against the
 * sessions named, compared by {@link FleetDiff}. A role {@code user} compares only sessions they own and is not told
 * about hosts without one. Bad parameters are 400 with one line, an unknown (or not visible) canary 404.
 */
final class FleetDiffApi {
    static final int MAX_CANDIDATES = 20_000;
    static final int MAX_NAMED = 1_000;
    private static final Pattern WINDOW = Pattern.compile("([1-9][0-9]{0,4})([mhd])");
    private static final String COLUMNS = "host, id, user_name, uid, command::text, started, ended, state, summary::text";

    private final HubDatabase database;
    private final DiffOptions options = DiffOptions.defaults();

    FleetDiffApi(HubDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    void handle(Context ctx) throws SQLException {
        WebUser user = TokenAuth.user(ctx);
        Integer uid = user.role() == WebUser.Role.USER ? user.uid() : null;
        String canaryKey = required(ctx, "canary");
        FleetGlob production = glob(ctx, "production", "*");
        FleetGlob command = ctx.queryParam("command") == null ? null : glob(ctx, "command", null);
        Duration window = window(ctx.queryParam("window"));
        List<String> named = named(ctx.queryParam("sessions"));
        FleetDiffReport report;
        try (Connection c = database.connection()) {
            FleetRun canary = run(c, canaryKey, uid)
                    .orElseThrow(() -> new NotFoundResponse("no session '" + printable(canaryKey) + "' (give HOST/ID)"));
            Map<String, FleetRun> matched = new TreeMap<>();
            Set<String> without = new TreeSet<>();
            if (named != null) {
                for (String key : named) {
                    FleetRun run = run(c, key, uid)
                            .orElseThrow(() -> new NotFoundResponse("no session '" + printable(key) + "' (give HOST/ID)"));
                    if (matched.putIfAbsent(run.host(), run) != null) {
                        throw new BadRequestResponse("sessions: two sessions of host " + run.host() + ": name one per host");
                    }
                }
            } else {
                FleetMatch match = new FleetMatch(production, command, window);
                matched.putAll(match.select(canary, candidates(c, canary, production, match.commandFor(canary), window, uid)));
                if (uid == null) {
                    without.addAll(hosts(c, production));
                }
            }
            try {
                report = FleetDiff.compare(canary, matched, without, options);
            } catch (IllegalArgumentException e) {
                throw new BadRequestResponse(e.getMessage());
            }
        }
        Map<String, Object> body = new LinkedHashMap<>(report.fields());
        body.put("production", production.glob());
        body.put("command", named != null ? null : new FleetMatch(production, command, window).commandFor(report.canary()).glob());
        body.put("window", named != null ? null : window.toString());
        ctx.contentType("application/json").result(write(body));
    }

    private static String required(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            throw new BadRequestResponse("missing query parameter '" + name + "' (HOST/ID of a session)");
        }
        return value;
    }

    private static FleetGlob glob(Context ctx, String name, String fallback) {
        String value = ctx.queryParam(name);
        try {
            return FleetGlob.of(value == null ? fallback : value);
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse(name + ": " + e.getMessage());
        }
    }

    static Duration window(String text) {
        if (text == null || text.isBlank()) {
            return FleetMatch.DEFAULT_WINDOW;
        }
        var m = WINDOW.matcher(text);
        if (!m.matches()) {
            throw new BadRequestResponse("window: '" + printable(text) + "' is not an age such as 30m, 6h or 2d");
        }
        long n = Long.parseLong(m.group(1));
        Duration window = switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (window.compareTo(FleetMatch.MAX_WINDOW) > 0) {
            throw new BadRequestResponse("window: at most 31d");
        }
        return window;
    }

    private static List<String> named(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        List<String> keys = new ArrayList<>();
        for (String key : text.split(",")) {
            if (FleetMatch.hostOf(key.strip()).isEmpty()) {
                throw new BadRequestResponse("sessions: '" + printable(key) + "' is not HOST/ID");
            }
            keys.add(key.strip());
        }
        if (keys.size() > MAX_NAMED) {
            throw new BadRequestResponse("sessions: at most " + MAX_NAMED + " sessions");
        }
        return keys;
    }

    private Optional<FleetRun> run(Connection c, String key, Integer uid) throws SQLException {
        Optional<String> host = FleetMatch.hostOf(key);
        if (host.isEmpty()) {
            throw new BadRequestResponse("'" + printable(key) + "' is not HOST/ID (as 'changegraph fleet sessions' lists them)");
        }
        String id = key.substring(host.get().length() + 1);
        String sql = "SELECT " + COLUMNS + " FROM sessions WHERE host = ? AND id = ?" + (uid == null ? "" : " AND uid = ?");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, host.get());
            ps.setString(2, id);
            if (uid != null) {
                ps.setInt(3, uid);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(run(rs)) : Optional.empty();
            }
        }
    }

    /** Sessions on other hosts that started within the window; the globs narrow in SQL, {@link FleetMatch} decides. */
    private List<FleetRun> candidates(Connection c, FleetRun canary, FleetGlob production, FleetGlob command,
                                      Duration window, Integer uid) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS)
                .append(" FROM sessions WHERE started >= ? AND started <= ? AND host <> ?");
        List<Object> args = new ArrayList<>(List.of(time(canary.started()), time(canary.started().plus(window)), canary.host()));
        if (!production.glob().equals("*")) {
            sql.append(production.literal() ? " AND host = ?" : " AND host LIKE ?");
            args.add(production.literal() ? production.glob() : SessionFilter.like(production.glob()));
        }
        sql.append(" AND (command_line LIKE ? OR command_base LIKE ?)");
        args.add(SessionFilter.like(command.glob()));
        args.add(SessionFilter.like(command.glob()));
        if (uid != null) {
            sql.append(" AND uid = ?");
            args.add(uid);
        }
        sql.append(" ORDER BY started, host, id LIMIT ").append(MAX_CANDIDATES);
        List<FleetRun> runs = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    runs.add(run(rs));
                }
            }
        }
        return runs;
    }

    /** Every host the hub knows that the production glob names. */
    private static Set<String> hosts(Connection c, FleetGlob production) throws SQLException {
        String sql = production.glob().equals("*") ? "SELECT host FROM hosts" : "SELECT host FROM hosts WHERE host LIKE ?";
        Set<String> hosts = new TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (!production.glob().equals("*")) {
                ps.setString(1, SessionFilter.like(production.glob()));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    hosts.add(rs.getString(1));
                }
            }
        }
        return hosts;
    }

    private static FleetRun run(ResultSet rs) throws SQLException {
        List<String> command = new ArrayList<>();
        JsonNode argv = read(rs.getString(5));
        if (argv != null) {
            argv.forEach(word -> command.add(word.asText()));
        }
        OffsetDateTime ended = rs.getObject(7, OffsetDateTime.class);
        String summary = rs.getString(9);
        return new FleetRun(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), command,
                rs.getObject(6, OffsetDateTime.class).toInstant(), ended == null ? null : ended.toInstant(),
                rs.getString(8), summary == null ? null : FleetSummaries.parse(summary));
    }

    private static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static JsonNode read(String json) {
        try {
            return json == null ? null : JsonMappers.SORTED.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the store holds JSON it wrote", e);
        }
    }

    private static String write(Object value) {
        try {
            return JsonMappers.SORTED.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plain maps and lists", e);
        }
    }

    private static String printable(String text) {
        String clean = text.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
    }
}
