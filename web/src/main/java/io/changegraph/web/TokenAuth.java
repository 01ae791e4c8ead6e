package io.changegraph.web;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import io.javalin.http.UnauthorizedResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Access by token, when one is configured. A request is let in when it carries
 * {@code Authorization: Bearer <token>} or the {@value #COOKIE} cookie holding it. A page (not an API
 * call) opened as {@code /?token=<token>} sets that cookie (HttpOnly, SameSite=Strict) and is redirected
 * to the same address without the token, so the token stays out of history and logs from then on.
 * Comparisons take constant time.
 */
final class TokenAuth {
    static final String COOKIE = "changegraph_token";
    static final String QUERY = "token";

    private final byte[] token;

    /** @param token the configured token, or null for none: then every request is let in */
    TokenAuth(String token) {
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    boolean enabled() {
        return token != null;
    }

    void check(Context ctx) {
        if (token == null) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && matches(header.substring(7).strip())) {
            return;
        }
        if (matches(ctx.cookie(COOKIE))) {
            return;
        }
        String query = ctx.queryParam(QUERY);
        if (query != null && !ctx.path().startsWith("/api/") && matches(query)) {
            ctx.cookie(new Cookie(COOKIE, query, "/", -1, false, 0, true, null, null, SameSite.STRICT));
            ctx.redirect(withoutToken(ctx), HttpStatus.SEE_OTHER);
            ctx.skipRemainingHandlers();
            return;
        }
        ctx.header("WWW-Authenticate", "Bearer realm=\"changegraph\"");
        throw new UnauthorizedResponse("a token is required: send 'Authorization: Bearer <token>' or open the page once as /?token=<token>");
    }

    private boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
    }

    private static String withoutToken(Context ctx) {
        Map<String, List<String>> params = ctx.queryParamMap();
        String query = params.entrySet().stream()
                .filter(entry -> !entry.getKey().equals(QUERY))
                .flatMap(entry -> entry.getValue().stream().map(value -> encode(entry.getKey()) + "=" + encode(value)))
                .collect(Collectors.joining("&"));
        return ctx.path() + (query.isEmpty() ? "" : "?" + query);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
