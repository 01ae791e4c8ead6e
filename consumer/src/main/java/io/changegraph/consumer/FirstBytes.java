package io.changegraph.consumer;

import io.changegraph.repository.model.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the first bytes a process sent on a connection say: a plain-HTTP request line and Host header, or a
 * TLS ClientHello's server name (SNI). Anything else (or a request cut before its line ends) says nothing.
 * Only what was captured is parsed (the first {@code payload_bytes} of the first send).
 */
final class FirstBytes {
    private static final Pattern REQUEST_LINE = Pattern.compile("([A-Z]{3,16}) (\\S{1,2048}) HTTP/\\d(?:\\.\\d)?");
    private static final int MAX_NAME = 253;

    private FirstBytes() {
    }

    /** The request line and Host of an HTTP/1.x request. */
    static Optional<HttpRequest> http(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n");
        if (end < 0) {
            return Optional.empty();
        }
        Matcher line = REQUEST_LINE.matcher(text.substring(0, end));
        if (!line.matches()) {
            return Optional.empty();
        }
        String host = null;
        for (int at = end + 2; at < text.length(); ) {
            int next = text.indexOf("\r\n", at);
            if (next <= at) {
                break;   // the blank line ending the headers, or a header cut short
            }
            String header = text.substring(at, next);
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("host")) {
                host = header.substring(colon + 1).trim();
                break;
            }
            at = next + 2;
        }
        return Optional.of(new HttpRequest(line.group(1), host == null || host.isEmpty() ? null : host, line.group(2)));
    }

    /** The host_name of a TLS ClientHello's server_name extension (lowercase). */
    static Optional<String> tlsServerName(byte[] d) {
        // record: type 22 (handshake), version 3.x, length; handshake: type 1 (ClientHello), 3-byte length
        if (d.length < 9 || d[0] != 22 || d[1] != 3 || d[5] != 1) {
            return Optional.empty();
        }
        int at = 9 + 2 + 32;                        // client version, random
        at = skip(d, at, 1);                        // session id
        at = skip(d, at, 2);                        // cipher suites
        at = skip(d, at, 1);                        // compression methods
        if (at < 0 || at + 2 > d.length) {
            return Optional.empty();
        }
        int extensionsEnd = Math.min(d.length, at + 2 + u16(d, at));
        at += 2;
        while (at + 4 <= extensionsEnd) {
            int type = u16(d, at);
            int length = u16(d, at + 2);
            int body = at + 4;
            if (type == 0 && body + 5 <= d.length && d[body + 2] == 0) {   // server_name list, entry host_name
                int nameLength = u16(d, body + 3);
                if (nameLength == 0 || nameLength > MAX_NAME || body + 5 + nameLength > d.length) {
                    return Optional.empty();
                }
                String name = new String(d, body + 5, nameLength, StandardCharsets.US_ASCII);
                return name.chars().allMatch(c -> c > 0x20 && c < 0x7f)
                        ? Optional.of(name.toLowerCase(Locale.ROOT)) : Optional.empty();
            }
            at = body + length;
        }
        return Optional.empty();
    }

    /** Skips a vector with a {@code lengthBytes}-byte length at {@code at}: the offset after it, or -1. */
    private static int skip(byte[] d, int at, int lengthBytes) {
        if (at < 0 || at + lengthBytes > d.length) {
            return -1;
        }
        int length = lengthBytes == 1 ? Byte.toUnsignedInt(d[at]) : u16(d, at);
        return at + lengthBytes + length;
    }

    static int u16(byte[] d, int at) {
        return (Byte.toUnsignedInt(d[at]) << 8) | Byte.toUnsignedInt(d[at + 1]);
    }
}
