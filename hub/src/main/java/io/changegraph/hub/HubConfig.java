package io.changegraph.hub;

import io.changegraph.web.WebUsers;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the hub runs ({@code changegraph hub}).
 *
 * @param bind      address to listen on
 * @param port      TCP port, 0 for any free one
 * @param database  {@code postgresql://USER[:PASSWORD]@HOST[:PORT]/DB}
 * @param dbPassword the password when the URL has none (the caller reads {@code PGPASSWORD}), or null
 * @param tlsCert   the hub's certificate chain (PEM)
 * @param tlsKey    its unencrypted PKCS#8 key (PEM)
 * @param clientCa  the fleet CA: ingest requires a client certificate it signed; the CN is the host's name
 * @param token     a single admin token for the query API and metrics, or null
 * @param users     the users file of the query API (same roles as {@code serve}), or null
 * @param retentionDays sessions that ended longer ago are deleted with their events and graph; 0 keeps all
 */
public record HubConfig(String bind, int port, String database, String dbPassword, Path tlsCert, Path tlsKey,
                        Path clientCa, String token, WebUsers users, int retentionDays) {
    /** The default retention, as the agent's own store ({@code retention_days}). */
    public static final int DEFAULT_RETENTION_DAYS = 90;

    static final int MIN_TOKEN_LENGTH = 16;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/=-]{" + MIN_TOKEN_LENGTH + ",}");

    public HubConfig {
        if (bind == null || bind.isBlank()) {
            throw new HubStartException("empty listen address: give --listen ADDR:PORT, e.g. 0.0.0.0:7443");
        }
        if (port < 0 || port > 65535) {
            throw new HubStartException("port " + port + " is out of range: give 0-65535");
        }
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(tlsCert, "tlsCert");
        Objects.requireNonNull(tlsKey, "tlsKey");
        Objects.requireNonNull(clientCa, "clientCa");
        if (retentionDays < 0 || retentionDays > 36_500) {
            throw new HubStartException("retention of " + retentionDays + " days: give 0 (keep everything) to 36500");
        }
        token = token == null ? null : token.strip();
        if (token != null && !TOKEN.matcher(token).matches()) {
            throw new HubStartException("unusable token: use at least " + MIN_TOKEN_LENGTH
                    + " characters of A-Z a-z 0-9 . _ ~ + / = - (e.g. openssl rand -hex 24)");
        }
    }

    /** Without retention: every session is kept. */
    public HubConfig(String bind, int port, String database, String dbPassword, Path tlsCert, Path tlsKey,
                     Path clientCa, String token, WebUsers users) {
        this(bind, port, database, dbPassword, tlsCert, tlsKey, clientCa, token, users, 0);
    }

    /** The same with another retention. */
    public HubConfig withRetentionDays(int days) {
        return new HubConfig(bind, port, database, dbPassword, tlsCert, tlsKey, clientCa, token, users, days);
    }

    /** Parses {@code ADDR:PORT} ({@code [v6]:PORT} for IPv6). */
    public static HubConfig listen(String listen, String database, String dbPassword, Path tlsCert, Path tlsKey,
                                   Path clientCa, String token, WebUsers users) {
        if (listen == null) {
            throw new HubStartException("no listen address: give --listen ADDR:PORT, e.g. 0.0.0.0:7443");
        }
        int colon = listen.lastIndexOf(':');
        if (colon <= 0 || colon == listen.length() - 1) {
            throw new HubStartException("bad listen address '" + listen + "': give ADDR:PORT, e.g. 0.0.0.0:7443");
        }
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new HubStartException("bad listen address '" + listen + "': the port is not a number: give ADDR:PORT");
        }
        return new HubConfig(host, port, database, dbPassword, tlsCert, tlsKey, clientCa, token, users);
    }

    boolean authenticated() {
        return token != null || users != null;
    }

    /** True when {@code bind} names only this machine. */
    boolean loopbackOnly() {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new HubStartException("cannot resolve listen address '" + bind + "': give an IP address");
        }
    }
}
