package io.changegraph.consumer;

import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.NetEvidence;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.TcpCounts;
import java.lang.foreign.StructLayout;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code cg_tcp}: the outcome of a TCP connection a followed process made, as evidence on its connect edge
 * (count 0: the connect call itself is the syscall's event). The kernel sends cumulative counters at
 * CONNECTING (which names the connection's process and remote), ESTABLISHED and CLOSED; the edge gets what
 * changed since the connection's last record. At CLOSED, a connection that never left SYN_SENT was
 * <em>refused</em> (ECONNREFUSED: a reset answered the SYN) or <em>timed out</em> (ETIMEDOUT: the SYN and its
 * retransmits were never answered). Such an outcome (or any other error before establishment) is a failed
 * connect on the edge when the connect call returned EINPROGRESS (a non-blocking connect, as curl's), counted
 * once: by the outcome's event when the call returned first, by the call's own event when the outcome came
 * first (on loopback the reset is processed before the call returns); a blocking connect's failure is the
 * call's own. A connect call is matched to its connection by process and remote ({@link #connectReturned}). An established
 * connection that ends with ETIMEDOUT counts as timed out (not as a failed connect). A RESET_SENT record (the
 * reset an abortive close sends after CLOSED) adds a reset sent to the connection of that socket closed last; on
 * any other socket (an accepted one) it is dropped.
 */
final class TcpDecoder implements RecordDecoder {
    static final int ETIMEDOUT = 110;
    static final int ECONNREFUSED = 111;
    static final int TCP_SYN_SENT = 2;
    /** Connections remembered at once (a CLOSED record lost leaves one behind): the oldest go beyond this. */
    static final int MAX_CONNECTIONS = 65536;
    /** Closed connections remembered for a reset sent after their close, at most. */
    static final int MAX_RECENTLY_CLOSED = 4096;
    /** Connections of one process waiting for their connect call to return, at most. */
    static final int MAX_AWAITING = 64;
    /** Processes with connections waiting for their connect call, at most. */
    static final int MAX_AWAITING_PROCESSES = 4096;

    private final ProcessTable processes;
    private final EventEmitter events;
    private final NetNames names;
    private final Map<Long, Connection> connections = oldestOutBeyond(MAX_CONNECTIONS);

    /** Connections closed lately, by socket, for the reset an abortive close sends after CLOSED. */
    private final Map<Long, Connection> recentlyClosed = oldestOutBeyond(MAX_RECENTLY_CLOSED);

    /**
     * Connections whose connect call has not returned yet, per process, oldest first; bounded (a process that
     * exited with one waiting leaves it behind): the processes heard of longest ago go first.
     */
    private final Map<Integer, ArrayDeque<Connection>> awaitingCall = oldestOutBeyond(MAX_AWAITING_PROCESSES);

    /** A map in insertion order that drops its oldest entry once it holds more than {@code max}. */
    private static <K, V> Map<K, V> oldestOutBeyond(int max) {
        return new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }

    private static final class Connection {
        final ProcessNode owner;
        final RemoteNode remote;
        TcpCounts seen = TcpCounts.ZERO;
        boolean callSeen;     // the connect call returned
        boolean inProgress;   // ...with EINPROGRESS: its outcome is the connect's
        boolean failedBeforeCall;   // it failed before establishment, and the call had not returned

        Connection(ProcessNode owner, RemoteNode remote) {
            this.owner = owner;
            this.remote = remote;
        }
    }

    TcpDecoder(ProcessTable processes, EventEmitter events, NetNames names) {
        this.processes = processes;
        this.events = events;
        this.names = names;
    }

    @Override
    public StructLayout layout() {
        return WireLayouts.CG_TCP;
    }

    @Override
    public void decode(RecordView record, RecordHeader header) {
        int event = record.i32(WireLayouts.TCP_EVENT_AT);
        if (event < WireLayouts.TCP_CONNECTING || event > WireLayouts.TCP_RESET_SENT) {
            throw new DroppedRecordException("unknown TCP event", "TCP record with event " + event);
        }
        int family = record.u16(WireLayouts.TCP_FAMILY_AT);
        RemoteNode remote = SockAddrs.inet(family, record.copy(WireLayouts.TCP_DADDR_AT, 16),
                record.u16(WireLayouts.TCP_DPORT_AT)).orElseThrow(() -> new DroppedRecordException(
                "bad TCP family", "TCP record of address family " + family));
        long sk = record.i64(WireLayouts.TCP_SK_AT);
        if (event == WireLayouts.TCP_RESET_SENT) {
            Connection closed = recentlyClosed.remove(sk);
            if (closed != null && closed.remote.equals(remote)) {
                emit(header, closed, new TcpCounts(0, 0, 0, 0, 1, 0, 0, 0, 0), false);
            }
            return;
        }
        Connection connection = connections.get(sk);
        if (connection == null || event == WireLayouts.TCP_CONNECTING) {
            connection = new Connection(processes.get(header.tgid(), 0).node(), remote);
            connections.put(sk, connection);
            recentlyClosed.remove(sk);   // a closed socket's address reused
            if (event == WireLayouts.TCP_CONNECTING) {
                ArrayDeque<Connection> waiting = awaitingCall.computeIfAbsent(header.tgid(), t -> new ArrayDeque<>());
                if (waiting.size() >= MAX_AWAITING) {
                    waiting.removeFirst();
                }
                waiting.addLast(connection);
            }
        }
        if (event == WireLayouts.TCP_CONNECTING) {
            return;
        }
        long established = event == WireLayouts.TCP_ESTABLISHED ? 1 : 0;
        TcpCounts now = new TcpCounts(connection.seen.established() + established,
                record.u32(WireLayouts.TCP_SYN_RETRANSMITS_AT), record.u32(WireLayouts.TCP_RETRANSMITS_AT),
                record.u32(WireLayouts.TCP_RESETS_RECEIVED_AT), record.u32(WireLayouts.TCP_RESETS_SENT_AT), 0, 0,
                record.i64(WireLayouts.TCP_BYTES_ACKED_AT), record.i64(WireLayouts.TCP_BYTES_RECEIVED_AT));
        TcpCounts delta = minus(now, connection.seen);
        connection.seen = now;
        boolean failed = false;
        if (event == WireLayouts.TCP_CLOSED) {
            connections.remove(sk);
            recentlyClosed.put(sk, connection);
            int error = record.i32(WireLayouts.TCP_ERROR_AT);
            boolean neverEstablished = now.established() == 0
                    && record.i32(WireLayouts.TCP_OLD_STATE_AT) == TCP_SYN_SENT;
            long refused = neverEstablished && error == ECONNREFUSED ? 1 : 0;
            long timedOut = error == ETIMEDOUT ? 1 : 0;
            failed = neverEstablished && error != 0 && connection.inProgress;
            if (neverEstablished && error != 0 && !connection.callSeen) {
                connection.failedBeforeCall = true;   // the call (still to come) says whether that fails it
            } else {
                forgetCall(header.tgid(), connection);
            }
            delta = delta.plus(new TcpCounts(0, 0, 0, 0, 0, refused, timedOut, 0, 0));
        }
        if (delta.isZero() && !failed) {
            return;
        }
        emit(header, connection, delta, failed);
    }

    private void emit(RecordHeader header, Connection connection, TcpCounts delta, boolean failed) {
        ProcessNode owner = connection.owner;
        ProcessNode subject = processes.find(header.tgid()).map(TrackedProcess::node)
                .filter(p -> p.startNs() == owner.startNs()).orElse(owner);
        events.emit(Event.evidence(events.time(header.tsNs()), subject, connection.remote, failed,
                new NetEvidence(delta, null, null, names.of(connection.remote.address()))));
    }

    /**
     * A connect call of process {@code tgid} to {@code remote} returned {@code ret}: the oldest connection of that
     * process to that remote still waiting for its call is that call's. True when the call returned EINPROGRESS
     * but its connection has already failed: the call's event is then a failed connect.
     */
    boolean connectReturned(int tgid, RemoteNode remote, long ret) {
        ArrayDeque<Connection> waiting = awaitingCall.get(tgid);
        if (waiting == null) {
            return false;
        }
        boolean failedAlready = false;
        for (Iterator<Connection> it = waiting.iterator(); it.hasNext(); ) {
            Connection c = it.next();
            if (c.remote.equals(remote)) {
                it.remove();
                c.callSeen = true;
                c.inProgress = ret == -SyscallRecord.EINPROGRESS;
                failedAlready = c.inProgress && c.failedBeforeCall;
                break;
            }
        }
        if (waiting.isEmpty()) {
            awaitingCall.remove(tgid);
        }
        return failedAlready;
    }

    private void forgetCall(int tgid, Connection connection) {
        ArrayDeque<Connection> waiting = awaitingCall.get(tgid);
        if (waiting != null && waiting.remove(connection) && waiting.isEmpty()) {
            awaitingCall.remove(tgid);
        }
    }

    private static TcpCounts minus(TcpCounts a, TcpCounts b) {
        return new TcpCounts(Math.max(0, a.established() - b.established()),
                Math.max(0, a.synRetransmits() - b.synRetransmits()), Math.max(0, a.retransmits() - b.retransmits()),
                Math.max(0, a.resetsReceived() - b.resetsReceived()), Math.max(0, a.resetsSent() - b.resetsSent()),
                0, 0, Math.max(0, a.bytesSent() - b.bytesSent()), Math.max(0, a.bytesReceived() - b.bytesReceived()));
    }
}
