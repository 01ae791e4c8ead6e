package io.changegraph.consumer;

import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.NetEvidence;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Verb;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Network operations: connect, bind, accept, sendto. Addresses of other families than IPv4, IPv6
 * and unix (netlink, packet, ...) give no event. A relative unix socket path is resolved against the
 * cwd. A non-blocking connect's EINPROGRESS is a connection under way, not a failure (its outcome comes with the
 * connection's TCP records, {@link TcpDecoder}). A connect to an address a DNS answer of the session named
 * carries those names.
 */
final class NetOps implements SyscallHandler.Group {
    static final String UNNAMED = "<unnamed>";

    private final EventEmitter events;
    private final NetNames names;

    private final TcpDecoder tcp;

    NetOps(EventEmitter events, NetNames names, TcpDecoder tcp) {
        this.events = events;
        this.names = names;
        this.tcp = tcp;
    }

    @Override
    public void register(Map<Op, SyscallHandler> handlers) {
        handlers.put(Op.CONNECT, this::connect);
        handlers.put(Op.BIND, this::bind);
        handlers.put(Op.ACCEPT, this::accept);
        handlers.put(Op.SENDTO, this::sendto);
    }

    private void connect(TrackedProcess process, SyscallRecord call) {
        address(process, call).ifPresent(remote -> {
            boolean failedLater = tcp.connectReturned(process.node().pid(), remote, call.ret());
            boolean failed = call.failed() && (call.ret() != -SyscallRecord.EINPROGRESS || failedLater);
            List<String> known = names.of(remote.address());
            events.emit(new Event(call.time(), process.node(), Verb.CONNECT, remote, 1, 0, failed ? 1 : 0, null,
                    known.isEmpty() ? null : NetEvidence.ofNames(known)));
            if (!failed) {
                process.fds().updateSocket(call.intArg(0), entry -> entry.connectedTo(remote));
            }
        });
    }

    private void bind(TrackedProcess process, SyscallRecord call) {
        address(process, call).ifPresent(local -> {
            events.once(call.time(), process.node(), Verb.BIND, local, call.failed(), null);
            if (!call.failed()) {
                process.fds().updateSocket(call.intArg(0), entry -> entry.boundTo(local));
            }
        });
    }

    /**
     * A failed accept (mostly EAGAIN on a non-blocking socket) carries no peer and gives no event. An
     * unnamed unix peer (the usual case) is named after the listening socket's address when known.
     */
    private void accept(TrackedProcess process, SyscallRecord call) {
        if (call.failed()) {
            return;
        }
        Optional<FdEntry> listening = process.fds().get(call.intArg(0));
        Optional<RemoteNode> peer = address(process, call)
                .filter(remote -> !remote.address().equals(UNNAMED))
                .or(() -> listening.map(FdEntry::local))
                .or(() -> address(process, call));
        FdEntry accepted = FdEntry.socket(false);
        if (peer.isPresent()) {
            events.once(call.time(), process.node(), Verb.ACCEPT, peer.get(), false, null);
            accepted = accepted.connectedTo(peer.get());
        }
        process.fds().put(call.retFd(), accepted);
    }

    private void sendto(TrackedProcess process, SyscallRecord call) {
        address(process, call).ifPresent(remote -> events.emit(new Event(call.time(), process.node(), Verb.SEND,
                remote, 1, Math.max(call.ret(), 0), call.failed() ? 1 : 0, null)));
    }

    private static Optional<RemoteNode> address(TrackedProcess process, SyscallRecord call) {
        return SockAddrs.decode(call.addr()).map(remote -> {
            String address = remote.address();
            boolean relativeUnixPath = remote.family().equals("unix") && !address.startsWith("/")
                    && !address.startsWith("@") && !address.equals(UNNAMED);
            return relativeUnixPath ? new RemoteNode("unix", process.resolve(address).path(), 0) : remote;
        });
    }
}
