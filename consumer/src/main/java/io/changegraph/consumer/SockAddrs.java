package io.changegraph.consumer;

import io.changegraph.repository.model.RemoteNode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Decodes a {@code struct sockaddr} as the kernel copied it: AF_INET, AF_INET6 and AF_UNIX become a
 * {@link RemoteNode}; other families (netlink, packet, ...) give nothing.
 * An unnamed unix socket is {@code <unnamed>}. IPv6 text is the RFC 5952 canonical form ({@code ::1}, {@code ::ffff:10.0.0.1}).
 */
final class SockAddrs {
    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    private SockAddrs() {
    }

    static Optional<RemoteNode> decode(byte[] addr) {
        if (addr.length < 2) {
            return Optional.empty();
        }
        ByteBuffer buffer = ByteBuffer.wrap(addr);
        int family = Short.toUnsignedInt(buffer.order(ByteOrder.nativeOrder()).getShort(0));
        return switch (family) {
            case AF_INET -> addr.length < 8 ? Optional.empty()
                    : Optional.of(new RemoteNode("ipv4", ipv4(Arrays.copyOfRange(addr, 4, 8)), port(buffer)));
            case AF_INET6 -> addr.length < 24 ? Optional.empty()
                    : Optional.of(new RemoteNode("ipv6", ipv6(Arrays.copyOfRange(addr, 8, 24)), port(buffer)));
            case AF_UNIX -> unix(addr).map(path -> new RemoteNode("unix", path, 0));
            default -> Optional.empty();
        };
    }

    /**
     * The remote of a kernel socket: {@code family} AF_INET (the first 4 bytes of {@code address}) or AF_INET6
     * (16 bytes), named as a sockaddr with that address would be; empty for another family.
     */
    static Optional<RemoteNode> inet(int family, byte[] address, int port) {
        return switch (family) {
            case AF_INET -> Optional.of(new RemoteNode("ipv4", ipv4(Arrays.copyOf(address, 4)), port));
            case AF_INET6 -> Optional.of(new RemoteNode("ipv6", ipv6(Arrays.copyOf(address, 16)), port));
            default -> Optional.empty();
        };
    }

    private static int port(ByteBuffer buffer) {
        return Short.toUnsignedInt(buffer.order(ByteOrder.BIG_ENDIAN).getShort(2));
    }

    /** sun_path: NUL-terminated; a leading NUL is the abstract namespace, shown as {@code @name}. */
    private static Optional<String> unix(byte[] addr) {
        if (addr.length <= 2) {
            return Optional.of(NetOps.UNNAMED);
        }
        if (addr[2] == 0) {
            int end = addr.length;
            while (end > 3 && addr[end - 1] == 0) {
                end--;
            }
            return Optional.of(end == 3 ? NetOps.UNNAMED : "@" + new String(addr, 3, end - 3, StandardCharsets.UTF_8));
        }
        return Optional.of(RecordData.cString(Arrays.copyOfRange(addr, 2, addr.length)));
    }

    private static String ipv4(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
    }

    /** RFC 5952: lowercase hex, longest run (2+) of zero groups as {@code ::}, v4-mapped as dotted quad. */
    static String ipv6(byte[] address) {
        ByteBuffer buffer = ByteBuffer.wrap(address).order(ByteOrder.BIG_ENDIAN);
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = Short.toUnsignedInt(buffer.getShort(i * 2));
        }
        boolean v4Mapped = Arrays.stream(groups, 0, 5).allMatch(g -> g == 0) && groups[5] == 0xffff;
        if (v4Mapped) {
            return "::ffff:" + ipv4(Arrays.copyOfRange(address, 12, 16));
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
