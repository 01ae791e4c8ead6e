package io.changegraph.consumer;

import io.changegraph.repository.model.RemoteNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The peers of a process's connected IPv4/IPv6 sockets, from {@code /proc/PID/net/{tcp,tcp6,udp,udp6}}
 * (the process's network namespace), by socket inode: so a process followed with {@code --pid} has
 * its existing connections named, not only the ones it makes later. Unix sockets are not listed with
 * their peer there and stay unnamed.
 */
final class ProcNetSockets {
    private static final List<String> TABLES = List.of("tcp", "tcp6", "udp", "udp6");
    private static final int LOCAL = 1;
    private static final int REMOTE = 2;
    private static final int INODE = 9;

    private ProcNetSockets() {
    }

    /** Socket inode → peer, for sockets with one; best effort (an unreadable table adds nothing). */
    static Map<Long, RemoteNode> peers(Path pidDir) {
        Map<Long, RemoteNode> peers = new HashMap<>();
        for (String table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(pidDir.resolve("net").resolve(table), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                continue;
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length <= INODE) {
                    continue;
                }
                try {
                    RemoteNode remote = endpoint(fields[REMOTE]);
                    if (remote != null) {
                        peers.put(Long.parseLong(fields[INODE]), remote);
                    }
                } catch (IllegalArgumentException e) {
                    // a line not in the expected format: skip it
                }
            }
        }
        return peers;
    }

    /**
     * {@code 0100007F:1F90} (IPv4) or 32 hex digits (IPv6) + port: the address is printed as 32-bit
     * words in host byte order, the port as a number. Null for the unset {@code 0...0:0000}.
     */
    static RemoteNode endpoint(String field) {
        int colon = field.indexOf(':');
        String hex = field.substring(0, colon);
        int port = Integer.parseInt(field.substring(colon + 1), 16);
        ByteBuffer address = ByteBuffer.allocate(hex.length() / 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i < hex.length(); i += 8) {
            address.putInt((int) Long.parseLong(hex.substring(i, i + 8), 16));
        }
        byte[] bytes = address.array();
        boolean unset = port == 0;
        for (byte b : bytes) {
            unset &= b == 0;
        }
        if (unset) {
            return null;
        }
        byte[] sockaddr = ByteBuffer.allocate(bytes.length == 4 ? 8 : 24).order(ByteOrder.nativeOrder())
                .putShort(0, (short) (bytes.length == 4 ? SockAddrs.AF_INET : SockAddrs.AF_INET6))
                .order(ByteOrder.BIG_ENDIAN).putShort(2, (short) port)
                .put(bytes.length == 4 ? 4 : 8, bytes).array();
        return SockAddrs.decode(sockaddr).orElseThrow(() -> new IllegalArgumentException("bad address " + field));
    }
}
