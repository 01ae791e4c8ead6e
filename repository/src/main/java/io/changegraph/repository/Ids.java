package io.changegraph.repository;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Stable node ids: a kind prefix plus the first 16 hex digits of SHA-256 of the node's identity. */
public final class Ids {
    private Ids() {
    }

    public static String process(int pid, long startNs) {
        return "p-" + hash(pid + "@" + startNs);
    }

    /** A file node is named after the first path it was seen under; {@code generation} > 0 when that path was reused. */
    public static String file(String firstPath, int generation) {
        return "f-" + hash(generation == 0 ? firstPath : firstPath + "#" + generation);
    }

    public static String remote(String family, String address, int port) {
        return "r-" + hash(family + "|" + address + "|" + port);
    }

    public static String module(String name) {
        return "m-" + hash(name);
    }

    static String hash(String identity) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
