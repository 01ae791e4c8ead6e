package io.changegraph.control;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How to reach the fleet's etcd: the {@code control:} section of the agent's config.yaml, or the options of the
 * {@code fleet} commands.
 * <pre>
 * control:
 *   endpoints: [https://etcd1:2379]       # required: http:// or https:// URLs
 *   ca: /etc/changegraph/etcd/ca.pem      # https: the CA that signed etcd's certificate
 *   cert: /etc/changegraph/etcd/host-web1.pem       # a client certificate: its common name is the etcd user
 *   key: /etc/changegraph/etcd/host-web1-key.pem    #   (PKCS#8 PEM, as scripts/etcd-setup.sh writes)
 *   user: operator                        # or a user name and a file holding its password
 *   password_file: /etc/changegraph/etcd/password
 *   group: canary                         # the gray-release group of this host (default: default)
 *   lease_seconds: 5                      # the registration's TTL, 2 to 10
 *   name: web1                            # the host's name in the registry (default: its hostname)
 * </pre>
 *
 * @param name the registry name, null: the hostname
 */
public record ControlSettings(List<URI> endpoints, Path ca, Path cert, Path key, String user, Path passwordFile,
                              String group, int leaseSeconds, String name) {
    public static final String DEFAULT_GROUP = "default";
    public static final int DEFAULT_LEASE_SECONDS = 5;
    private static final Set<String> KEYS = Set.of("endpoints", "ca", "cert", "key", "user", "password_file", "group",
            "lease_seconds", "name");

    public ControlSettings {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("control.endpoints needs at least one URL like http://127.0.0.1:2379");
        }
        boolean tls = false;
        for (URI u : endpoints) {
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                    || u.getPort() < 1) {
                throw new IllegalArgumentException("etcd endpoint '" + u + "' must be http://HOST:PORT or https://HOST:PORT");
            }
            tls |= "https".equals(u.getScheme());
        }
        if (tls && ca == null) {
            throw new IllegalArgumentException("an https etcd endpoint needs control.ca (the CA certificate, PEM)");
        }
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("control.cert and control.key go together (a client certificate and its key)");
        }
        if (cert != null && !tls) {
            throw new IllegalArgumentException("a client certificate needs https:// endpoints");
        }
        if ((user == null) != (passwordFile == null)) {
            throw new IllegalArgumentException("control.user and control.password_file go together");
        }
        if (group == null) {
            group = DEFAULT_GROUP;
        }
        if (!Target.NAME.matcher(group).matches()) {
            throw new IllegalArgumentException("control.group '" + group + "' is not a name (letters, digits, . _ -)");
        }
        if (leaseSeconds < 2 || leaseSeconds > 10) {
            throw new IllegalArgumentException("control.lease_seconds must be 2 to 10");
        }
        if (name != null && !Target.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("control.name '" + name + "' is not a host name (letters, digits, . _ -)");
        }
    }

    /** Registered under the hostname. */
    public ControlSettings(List<URI> endpoints, Path ca, Path cert, Path key, String user, Path passwordFile,
                           String group, int leaseSeconds) {
        this(endpoints, ca, cert, key, user, passwordFile, group, leaseSeconds, null);
    }

    /** The name this host registers under: {@code name}, else {@code hostname}. */
    public String registryName(String hostname) {
        return name != null ? name : hostname;
    }

    /** Plain http endpoints, no authentication, the default group. */
    public static ControlSettings plain(List<URI> endpoints) {
        return new ControlSettings(endpoints, null, null, null, null, null, DEFAULT_GROUP, DEFAULT_LEASE_SECONDS);
    }

    public ControlSettings withGroup(String g) {
        return new ControlSettings(endpoints, ca, cert, key, user, passwordFile, g, leaseSeconds, name);
    }

    /** Comma-separated endpoints, as {@code --endpoints} and {@code CHANGEGRAPH_ETCD} give them. */
    public static List<URI> endpointList(String text) {
        List<URI> list = new ArrayList<>();
        for (String s : text.split(",")) {
            if (!s.isBlank()) {
                try {
                    list.add(new URI(s.strip()));
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalArgumentException("etcd endpoint '" + s.strip() + "' is not a URL like http://127.0.0.1:2379");
                }
            }
        }
        return list;
    }

    /**
     * The {@code control:} section of a config file.
     *
     * @throws IllegalArgumentException one line naming the key and what it must be
     */
    public static ControlSettings parse(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("control must be a section with endpoints: [...]");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown key 'control." + k + "' (known: " + String.join(", ",
                        new TreeSet<>(KEYS)) + ")");
            }
        }
        JsonNode e = node.get("endpoints");
        List<URI> endpoints = new ArrayList<>();
        if (e != null && e.isTextual()) {
            endpoints.addAll(endpointList(e.textValue()));
        } else if (e != null && e.isArray()) {
            for (JsonNode u : e) {
                if (!u.isTextual()) {
                    throw new IllegalArgumentException("control.endpoints must be a list of URLs");
                }
                endpoints.addAll(endpointList(u.textValue()));
            }
        } else if (e != null && !e.isNull()) {
            throw new IllegalArgumentException("control.endpoints must be a list of URLs");
        }
        JsonNode lease = node.get("lease_seconds");
        if (lease != null && !lease.isIntegralNumber()) {
            throw new IllegalArgumentException("control.lease_seconds must be a whole number (2 to 10)");
        }
        return new ControlSettings(endpoints, path(node, "ca"), path(node, "cert"), path(node, "key"),
                text(node, "user"), path(node, "password_file"), text(node, "group"),
                lease == null ? DEFAULT_LEASE_SECONDS : lease.intValue(), text(node, "name"));
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.textValue().isBlank()) {
            throw new IllegalArgumentException("control." + key + " must be text");
        }
        return v.textValue();
    }

    private static Path path(JsonNode node, String key) {
        String t = text(node, key);
        if (t != null && !t.startsWith("/")) {
            throw new IllegalArgumentException("control." + key + " must be an absolute path");
        }
        return t == null ? null : Path.of(t);
    }
}
