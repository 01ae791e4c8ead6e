package io.changegraph.repository.model;

import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.ConcurrentHashMap;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stable node ids: a kind prefix plus the first 16 hex digits of SHA-256 of the node's identity.
 * Ids are asked for on every event; a bounded memo keeps that cheap and hands out one String
 * instance per id, so a large graph does not hold thousands of copies of the same id.
 */
public final class Ids {
    private static final int MEMO_LIMIT = 1 << 16;
    private static final Map<String, String> MEMO = new ConcurrentHashMap<>();
    // process ids are asked for several times per event: a key without string building
    private static final Map<ProcessKey, String> PROCESS_MEMO = new ConcurrentHashMap<>();

    private record ProcessKey(int pid, long startNs) {
        // written out: a record's generated equals/hashCode go through method handles, slow under C1
        @Override
        public boolean equals(Object o) {
            return o instanceof ProcessKey k && pid == k.pid && startNs == k.startNs;
        }

        @Override
        public int hashCode() {
            return 31 * pid + Long.hashCode(startNs);
        }
    }

    private Ids() {
    }

    public static String process(int pid, long startNs) {
        return memo(PROCESS_MEMO, new ProcessKey(pid, startNs), key -> "p-" + hash(key.pid() + "@" + key.startNs()));
    }

    /** A file node is named after the first path it was seen under; {@code generation} > 0 when that path was reused. */
    public static String file(String firstPath, int generation) {
        return memo("f-", generation == 0 ? firstPath : firstPath + "#" + generation);
    }

    public static String remote(String family, String address, int port) {
        return memo("r-", family + "|" + address + "|" + port);
    }

    public static String module(String name) {
        return memo("m-", name);
    }

    private static String memo(String prefix, String identity) {
        // every prefix is two characters; a lambda capturing nothing is not allocated per call
        return memo(MEMO, prefix + identity, key -> key.substring(0, 2) + hash(key.substring(2)));
    }

    private static <K> String memo(Map<K, String> memo, K key, Function<K, String> id) {
        String known = memo.get(key);
        if (known != null) {
            return known;
        }
        if (memo.size() >= MEMO_LIMIT) {
            memo.clear();   // only a cache: ids are recomputed identically
        }
        String computed = id.apply(key);
        memo.put(key, computed);
        return computed;
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
