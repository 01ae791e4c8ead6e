package io.changegraph.forward;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code hub:} section of the agent's config.yaml: where this host pushes its sessions, and the PEM files
 * of its identity.
 * <pre>
 * hub:
 *   url: https://hub:7443      # the hub's base URL (https only)
 *   cert: host.crt             # this host's certificate (CN = its host name), PEM
 *   key: host.key              # its private key, PEM (PKCS#8, or PKCS#1 RSA)
 *   ca: fleet-ca.crt           # the fleet CA the hub's certificate must chain to, PEM
 *   backlog_mb: 256            # events not yet at the hub beyond this: the oldest sessions' are given up
 * </pre>
 * Relative paths are relative to the config file's directory. The files are read when the agent starts
 * ({@link HubForwarder#start}), not here: the session wrapper reads the same config without the rights to them.
 *
 * @param backlogBytes journal bytes not yet acknowledged by the hub, over all sessions, that the forwarder keeps
 *                     trying to send; past it the oldest sessions' events are given up (said in the log and in
 *                     the session the hub gets)
 */
public record HubSettings(URI url, Path cert, Path key, Path ca, long backlogBytes) {
    /** The default {@code backlog_mb}. */
    public static final int DEFAULT_BACKLOG_MB = 256;
    private static final Set<String> KEYS = Set.of("url", "cert", "key", "ca", "backlog_mb");

    public HubSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(ca, "ca");
        if (!"https".equals(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("url must be https://HOST[:PORT], not '" + url + "'");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null || url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("url must be https://HOST[:PORT] without user, query or fragment");
        }
        if (backlogBytes < 1 << 20) {
            throw new IllegalArgumentException("backlog_mb must be at least 1");
        }
    }

    /**
     * Parses the value of the {@code hub:} key; relative paths are resolved against {@code baseDir}.
     *
     * @throws IllegalArgumentException one line naming the key and what it must be
     */
    public static HubSettings parse(JsonNode node, Path baseDir) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("hub must be a section with url, cert, key and ca (see docs/fleet.md)");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KEYS.contains(name)) {
                throw new IllegalArgumentException("hub: unknown key '" + name + "' (known: "
                        + String.join(", ", new TreeSet<>(KEYS)) + ")");
            }
        }
        String url = text(node, "url");
        URI uri;
        try {
            uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("hub: url is not a URL: " + e.getReason());
        }
        JsonNode backlog = node.get("backlog_mb");
        long mb = DEFAULT_BACKLOG_MB;
        if (backlog != null && !backlog.isNull()) {
            if (!backlog.isIntegralNumber() || !backlog.canConvertToInt() || backlog.intValue() < 1) {
                throw new IllegalArgumentException("hub: backlog_mb must be a whole number of MiB, at least 1");
            }
            mb = backlog.intValue();
        }
        try {
            return new HubSettings(uri, file(node, "cert", baseDir), file(node, "key", baseDir),
                    file(node, "ca", baseDir), mb << 20);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith("hub:") ? e.getMessage()
                    : "hub: " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("hub: " + key + " is missing (hub needs url, cert, key and ca)");
        }
        if (!v.isTextual() || v.textValue().isBlank()) {
            throw new IllegalArgumentException("hub: " + key + " must be a string");
        }
        return v.textValue().strip();
    }

    private static Path file(JsonNode node, String key, Path baseDir) {
        Path p;
        try {
            p = Path.of(text(node, key));
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("hub: " + key + " is not a file path: " + e.getReason());
        }
        return p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p).normalize();
    }
}
