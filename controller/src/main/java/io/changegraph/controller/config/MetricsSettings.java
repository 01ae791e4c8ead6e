package io.changegraph.controller.config;

import io.changegraph.controller.UsageException;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.InetSocketAddress;
import java.util.Iterator;

/**
 * Where the Prometheus endpoint listens ({@link MetricsEndpoint}, docs/ops.md): the agent's
 * {@code metrics: {listen: 127.0.0.1:9464}}, and {@code record --metrics ADDR}. Off unless asked for;
 * {@code listen} defaults to the loopback address when only {@code enabled: true} is given.
 *
 * @param listen the address to listen on, or null: no endpoint
 */
public record MetricsSettings(InetSocketAddress listen) {
    public static final String DEFAULT_LISTEN = "127.0.0.1:9464";
    public static final MetricsSettings OFF = new MetricsSettings(null);

    public boolean enabled() {
        return listen != null;
    }

    /** {@code HOST:PORT}, {@code [V6]:PORT} or {@code :PORT} (loopback); port 0 picks a free one. */
    public static InetSocketAddress address(String text, String what) {
        String s = text.strip();
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new UsageException(what + " must be HOST:PORT like " + DEFAULT_LISTEN + ", not '" + text + "'");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new UsageException(what + ": port must be 0 to 65535 in '" + text + "'");
        }
        if (host.isEmpty()) {
            host = "127.0.0.1";
        }
        if (!host.matches("[0-9A-Za-z.:%-]+")) {
            throw new UsageException(what + ": bad host in '" + text + "'");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new UsageException(what + ": cannot resolve host '" + host + "'");
        }
        return address;
    }

    /** The {@code metrics:} value (absent or null: off). */
    static MetricsSettings parse(JsonNode section) {
        if (section == null || section.isNull()) {
            return OFF;
        }
        if (!section.isObject()) {
            throw new UsageException("metrics must be a map like {listen: " + DEFAULT_LISTEN + "}");
        }
        for (Iterator<String> names = section.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!key.equals("listen") && !key.equals("enabled")) {
                throw new UsageException("metrics: unknown key '" + key + "' (known: enabled, listen)");
            }
        }
        JsonNode enabled = section.get("enabled");
        if (enabled != null && !enabled.isNull() && !enabled.isBoolean()) {
            throw new UsageException("metrics enabled must be true or false");
        }
        if (enabled != null && enabled.isBoolean() && !enabled.booleanValue()) {
            return OFF;
        }
        JsonNode listen = section.get("listen");
        if (listen == null || listen.isNull()) {
            return new MetricsSettings(address(DEFAULT_LISTEN, "metrics listen"));
        }
        if (!listen.isTextual()) {
            throw new UsageException("metrics listen must be HOST:PORT like " + DEFAULT_LISTEN);
        }
        return new MetricsSettings(address(listen.textValue(), "metrics listen"));
    }
}
