package io.changegraph.repository.model;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.Set;

/**
 * A network endpoint: family ({@code ipv4}, {@code ipv6}, {@code unix}) + address + port. For unix
 * sockets the address is the socket path ({@code @name} for the abstract namespace) and port is 0.
 * {@code names} are what the session knew the address by (DNS answers, HTTP Host, TLS SNI): sorted,
 * distinct, not part of the identity ({@link #id()}).
 */
public record RemoteNode(String family, String address, int port, List<String> names) implements Node, ObjectRef {
    private static final Set<String> FAMILIES = Set.of("ipv4", "ipv6", "unix");

    public RemoteNode {
        if (!FAMILIES.contains(family)) {
            throw new IllegalArgumentException("unknown address family '" + family + "'");
        }
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        names = names == null || names.isEmpty() ? List.of() : List.copyOf(new TreeSet<>(names));
    }

    public RemoteNode(String family, String address, int port) {
        this(family, address, port, List.of());
    }

    /** This endpoint known by {@code more} names too. */
    public RemoteNode withNames(List<String> more) {
        List<String> all = NetEvidence.union(names, more);
        return all.equals(names) ? this : new RemoteNode(family, address, port, all);
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
