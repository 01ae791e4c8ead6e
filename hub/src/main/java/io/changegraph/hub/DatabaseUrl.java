package io.changegraph.hub;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where the hub's database is: {@code postgresql://USER[:PASSWORD]@HOST[:PORT]/DB} (also {@code postgres://}).
 * Without a password in the URL the password comes from the environment variable {@code PGPASSWORD} (so it
 * stays out of the process list), or none (trust or peer authentication).
 *
 * @param password null for none
 */
record DatabaseUrl(String host, int port, String database, String user, String password) {
    static final int DEFAULT_PORT = 5432;

    DatabaseUrl {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        if (port < 1 || port > 65535) {
            throw new HubStartException("database port " + port + " is out of range: give 1-65535");
        }
    }

    /** Parses {@code --db}; a bad URL is one line saying the expected form. */
    static DatabaseUrl parse(String text, String environmentPassword) {
        String form = "give --db postgresql://USER@HOST:PORT/DB";
        if (text == null || text.isBlank()) {
            throw new HubStartException("no database: " + form);
        }
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new HubStartException("bad database URL '" + redacted(text) + "': " + e.getReason() + ": " + form);
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new HubStartException("bad database URL '" + redacted(text) + "': the scheme must be postgresql: " + form);
        }
        if (uri.getHost() == null || uri.getRawUserInfo() == null || uri.getRawUserInfo().isEmpty()) {
            throw new HubStartException("bad database URL '" + redacted(text) + "': it needs a user and a host: " + form);
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String database = path.startsWith("/") ? path.substring(1) : path;
        if (database.isEmpty() || database.contains("/")) {
            throw new HubStartException("bad database URL '" + redacted(text) + "': it needs a database name: " + form);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new HubStartException("bad database URL '" + redacted(text) + "': parameters are not supported: " + form);
        }
        String info = uri.getRawUserInfo();
        int colon = info.indexOf(':');
        String user = decode(colon < 0 ? info : info.substring(0, colon));
        String password = colon < 0 ? null : decode(info.substring(colon + 1));
        if (password == null && environmentPassword != null && !environmentPassword.isEmpty()) {
            password = environmentPassword;
        }
        return new DatabaseUrl(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), database, user, password);
    }

    String jdbcUrl() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + database;
    }

    /** For messages: never the password. */
    String display() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return display();
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private static String redacted(String text) {
        return text.replaceAll("//([^:/@]*):[^@]*@", "//$1:***@");
    }
}
