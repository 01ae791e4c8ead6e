package io.changegraph.repository.model;

/**
 * What TCP did on the connections of one connect edge, summed over them: connections established,
 * SYNs retransmitted while in SYN_SENT, data segments retransmitted, resets received and sent, connects
 * refused (a reset answered the SYN) and connections timed out, and the bytes the peer acknowledged
 * ({@code bytes_sent}) and the bytes received. The JSON {@code tcp} object of a connect edge.
 */
public record TcpCounts(long established, long synRetransmits, long retransmits, long resetsReceived,
                        long resetsSent, long refused, long timedOut, long bytesSent, long bytesReceived) {
    public static final TcpCounts ZERO = new TcpCounts(0, 0, 0, 0, 0, 0, 0, 0, 0);

    public TcpCounts {
        if (established < 0 || synRetransmits < 0 || retransmits < 0 || resetsReceived < 0 || resetsSent < 0
                || refused < 0 || timedOut < 0 || bytesSent < 0 || bytesReceived < 0) {
            throw new IllegalArgumentException("negative TCP counter");
        }
    }

    public TcpCounts plus(TcpCounts o) {
        return new TcpCounts(established + o.established, synRetransmits + o.synRetransmits,
                retransmits + o.retransmits, resetsReceived + o.resetsReceived, resetsSent + o.resetsSent,
                refused + o.refused, timedOut + o.timedOut, bytesSent + o.bytesSent, bytesReceived + o.bytesReceived);
    }

    public boolean isZero() {
        return equals(ZERO);
    }

    /** A connection that did not work out: refused or timed out. */
    public boolean failedConnects() {
        return refused > 0 || timedOut > 0;
    }
}
