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
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Access by token, when one is configured: the single token (which means {@link WebUser#TOKEN_ADMIN}) or any
 * user's token from the users file. A request is let in when it carries
 * {@code Authorization: Bearer <token>} or the {@value #COOKIE} cookie holding it; the user it resolves to
 * is kept on the request ({@link #user(Context)}). A page (not an API
 * call) opened as {@code /?token=<token>} sets that cookie (HttpOnly, SameSite=Strict) and is redirected
 * to the same address without the token, so the token stays out of history and logs from then on.
 * Comparisons take constant time. Public for the fleet hub, which authenticates its query API the same way.
 */
public final class TokenAuth {
    static final String COOKIE = "changegraph_token";
    static final String QUERY = "token";

    private static final String USER_ATTRIBUTE = "changegraph.user";

    private final byte[] token;
    private final WebUsers users;

    /**
     * @param token the configured token, or null for none
     * @param users the users file, or null for none; with neither, every request is let in as
     *              {@link WebUser#ANONYMOUS}
     */
    public TokenAuth(String token, WebUsers users) {
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.users = users;
    }

    public boolean enabled() {
        return token != null || users != null;
    }

    /** Who the request comes from; {@link #check(Context)} ran before every handler. */
    public static WebUser user(Context ctx) {
        WebUser user = ctx.attribute(USER_ATTRIBUTE);
        return user == null ? WebUser.ANONYMOUS : user;
    }

    public void check(Context ctx) {
        if (!enabled()) {
            ctx.attribute(USER_ATTRIBUTE, WebUser.ANONYMOUS);
            return;
        }
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Optional<WebUser> user = resolve(header.substring(7).strip());
            if (user.isPresent()) {
                ctx.attribute(USER_ATTRIBUTE, user.get());
                return;
            }
        }
        Optional<WebUser> byCookie = resolve(ctx.cookie(COOKIE));
        if (byCookie.isPresent()) {
            ctx.attribute(USER_ATTRIBUTE, byCookie.get());
            return;
        }
        String query = ctx.queryParam(QUERY);
        if (query != null && !ctx.path().startsWith("/api/") && resolve(query).isPresent()) {
            ctx.cookie(new Cookie(COOKIE, query, "/", -1, false, 0, true, null, null, SameSite.STRICT));
            ctx.redirect(withoutToken(ctx), HttpStatus.SEE_OTHER);
            ctx.skipRemainingHandlers();
            return;
        }
        ctx.header("WWW-Authenticate", "Bearer realm=\"changegraph\"");
        throw new UnauthorizedResponse("a token is required: send 'Authorization: Bearer <token>' or open the page once as /?token=<token>");
    }

    /** The user a presented token stands for: the single token is admin, else the users file decides. */
    private Optional<WebUser> resolve(String candidate) {
        if (candidate == null) {
            return Optional.empty();
        }
        if (token != null && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8))) {
            return Optional.of(WebUser.TOKEN_ADMIN);
        }
        return users == null ? Optional.empty() : users.authenticate(candidate);
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
