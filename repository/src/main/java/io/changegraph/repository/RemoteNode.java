package io.changegraph.repository;

import java.util.Objects;
import java.util.Set;

/**
 * A network endpoint: family ({@code ipv4}, {@code ipv6}, {@code unix}) + address + port. For unix
 * sockets the address is the socket path ({@code @name} for the abstract namespace) and port is 0.
 */
public record RemoteNode(String family, String address, int port) implements Node, ObjectRef {
    private static final Set<String> FAMILIES = Set.of("ipv4", "ipv6", "unix");

    public RemoteNode {
        if (!FAMILIES.contains(family)) {
            throw new IllegalArgumentException("unknown address family '" + family + "'");
        }
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    @Override
    public String id() {
        return Ids.remote(family, address, port);
    }

    @Override
    public String kind() {
        return "remote";
    }
}
