package io.changegraph.repository.model;

import java.util.List;
import java.util.TreeSet;

/**
 * What the network told about a connection, on top of the connect call: TCP outcome counters, the
 * plain-HTTP request or the TLS server name (SNI) of its first send, and the names the remote is known
 * by (DNS answers of the session, HTTP Host, SNI). Carried by an {@link Event} to a remote and kept on the
 * connect edge (tcp, http, tls_sni; the first request and server name seen are kept) and on the remote
 * node (names, sorted, distinct).
 *
 * @param tcp    counters to add, or null
 * @param http   the request, or null
 * @param tlsSni the server name, or null
 * @param names  names of the remote (may be empty)
 */
public record NetEvidence(TcpCounts tcp, HttpRequest http, String tlsSni, List<String> names) {
    /** At most this many names are kept per remote node: the smallest, so the set does not depend on order. */
    public static final int MAX_NAMES = 16;

    public NetEvidence {
        names = names == null ? List.of() : List.copyOf(new TreeSet<>(names));
        if (tlsSni != null && tlsSni.isEmpty()) {
            throw new IllegalArgumentException("empty TLS server name");
        }
    }

    public static NetEvidence ofTcp(TcpCounts tcp) {
        return new NetEvidence(tcp, null, null, List.of());
    }

    public static NetEvidence ofNames(List<String> names) {
        return new NetEvidence(null, null, null, names);
    }

    /** This edge evidence with {@code later}'s added: counters summed, the first request and server name kept. */
    NetEvidence plus(NetEvidence later) {
        TcpCounts sum = tcp == null ? later.tcp : later.tcp == null ? tcp : tcp.plus(later.tcp);
        return new NetEvidence(sum, http != null ? http : later.http, tlsSni != null ? tlsSni : later.tlsSni, List.of());
    }

    /** The part an edge keeps (no names), or null when there is none. */
    public NetEvidence forEdge() {
        if ((tcp == null || tcp.isZero()) && http == null && tlsSni == null) {
            return null;
        }
        return new NetEvidence(tcp == null || tcp.isZero() ? null : tcp, http, tlsSni, List.of());
    }

    /** The sorted union of two name lists, capped at {@link #MAX_NAMES}. */
    static List<String> union(List<String> a, List<String> b) {
        TreeSet<String> all = new TreeSet<>(a);
        all.addAll(b);
        while (all.size() > MAX_NAMES) {
            all.pollLast();
        }
        return List.copyOf(all);
    }
}
