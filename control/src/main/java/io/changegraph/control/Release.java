package io.changegraph.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One version of the rules or configuration as stored in etcd (and in an agent's cache): the validated text and
 * who wrote it when.
 *
 * @param content  the file's text, validated before it was written
 * @param digest   {@code sha256:} and the first 12 hex digits of the content's SHA-256
 * @param who      {@code user@host} of the operator
 * @param time     when it was written
 * @param action   {@code push}, {@code promote} or {@code rollback to REV}
 * @param target   the hosts it is for
 * @param revision the etcd revision that wrote it (0 before it is written)
 */
public record Release(String content, String digest, String who, Instant time, String action, Target target,
                      long revision) {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The largest text pushed: etcd's default request limit is 1.5 MiB. */
    public static final int MAX_BYTES = 1024 * 1024;

    public Release {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(who, "who");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        if (revision < 0) {
            throw new IllegalArgumentException("revision " + revision);
        }
        if (content.length() > MAX_BYTES) {
            throw new IllegalArgumentException("the text is larger than " + MAX_BYTES + " bytes");
        }
    }

    static Release of(String content, String who, String action, Target target) {
        return new Release(content, digest(content), who, Instant.now(), action, target, 0);
    }

    static String digest(String content) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Release withRevision(long r) {
        return new Release(content, digest, who, time, action, target, r);
    }

    Release as(String newAction, Target newTarget, String newWho) {
        return new Release(content, digest, newWho, Instant.now(), newAction, newTarget, 0);
    }

    String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("digest", digest).put("who", who).put("time", time.toString()).put("action", action);
        if (target.group() != null) {
            n.put("group", target.group());
        }
        if (target.hostGlob() != null) {
            n.put("hosts", target.hostGlob());
        }
        n.put("revision", revision);
        n.put("content", content);
        return n.toString();
    }

    /** @throws IOException when the text is not a release */
    static Release fromJson(String json, long revision) throws IOException {
        JsonNode n = JSON.readTree(json);
        try {
            return new Release(n.get("content").asText(), n.get("digest").asText(), n.get("who").asText(),
                    Instant.parse(n.get("time").asText()), n.get("action").asText(),
                    new Target(text(n, "group"), text(n, "hosts")), revision >= 0 ? revision : n.path("revision").asLong());
        } catch (RuntimeException e) {
            throw new IOException("not a changegraph release: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }
}
