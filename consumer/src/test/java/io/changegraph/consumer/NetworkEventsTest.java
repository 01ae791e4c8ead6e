package io.changegraph.consumer;

import static io.changegraph.consumer.Records.syscall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Verb;
import java.util.List;
import org.junit.jupiter.api.Test;

/** connect, bind, accept, sendto and socket I/O. */
class NetworkEventsTest extends SeededShellTest {
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFIFO = 010000;
    private static final int ECONNREFUSED = 111;
    private static final int EINPROGRESS = 115;

    private void connect(int fd, byte[] addr, long ret) {
        consumer.accept(syscall(SHELL, Op.SOCKET).args(2, 1, 0).ret(fd).build());
        consumer.accept(syscall(SHELL, Op.CONNECT).args(fd, 0, addr.length).addr(addr).ret(ret).build());
    }

    @Test
    void connect_ipv4_decodesAddressAndPort() throws Exception {
        connect(3, Records.sockaddrIn("10.1.2.3", 8443), 0);

        assertThat(events.getLast()).extracting(Event::verb, Event::object, Event::failed)
                .containsExactly(Verb.CONNECT, new RemoteNode("ipv4", "10.1.2.3", 8443), 0L);
    }

    @Test
    void connect_ipv6AndV4Mapped_useTheCanonicalText() throws Exception {
        connect(3, Records.sockaddrIn6("2001:db8:0:0:0:0:0:1", 443), 0);
        connect(4, Records.sockaddrIn6("::ffff:192.0.2.7", 80), 0);
        connect(5, Records.sockaddrIn6("::1", 22), 0);

        assertThat(events).extracting(Event::object).containsExactly(new RemoteNode("ipv6", "2001:db8::1", 443),
                new RemoteNode("ipv6", "::ffff:192.0.2.7", 80), new RemoteNode("ipv6", "::1", 22));
    }

    @Test
    void connect_unixPathAndAbstract_areNamedByPath() {
        connect(3, Records.sockaddrUn("/run/docker.sock"), 0);
        connect(4, Records.sockaddrUn("\0dbus-abc"), 0);
        connect(5, Records.sockaddrUn("relative.sock"), 0);

        assertThat(events).extracting(Event::object).containsExactly(new RemoteNode("unix", "/run/docker.sock", 0),
                new RemoteNode("unix", "@dbus-abc", 0), new RemoteNode("unix", "/home/u/relative.sock", 0));
    }

    @Test
    void connect_refused_isFailed_andThenIoOnTheSocketNamesNoPeer() throws Exception {
        connect(3, Records.sockaddrIn("127.0.0.1", 9), -ECONNREFUSED);
        consumer.accept(Records.io(SHELL, 3, S_IFSOCK, 0, 0, 0, 1, 10));

        assertThat(events).extracting(Event::verb, Event::failed).containsExactly(tuple(Verb.CONNECT, 1L));
    }

    @Test
    void connect_nonBlockingInProgress_isNotAFailure_andIoGoesToThePeer() throws Exception {
        connect(3, Records.sockaddrIn("93.184.216.34", 80), -EINPROGRESS);
        consumer.accept(Records.io(SHELL, 3, S_IFSOCK, 0, 2, 2000, 1, 80));

        RemoteNode peer = new RemoteNode("ipv4", "93.184.216.34", 80);
        assertThat(events).extracting(Event::verb, Event::object, Event::count, Event::bytes, Event::failed)
                .containsExactly(tuple(Verb.CONNECT, peer, 1L, 0L, 0L), tuple(Verb.RECV, peer, 2L, 2000L, 0L),
                        tuple(Verb.SEND, peer, 1L, 80L, 0L));
    }

    @Test
    void connect_netlink_isIgnored() {
        byte[] netlink = {16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        connect(3, netlink, 0);

        assertThat(events).isEmpty();
    }

    @Test
    void bindAndAccept_acceptNamesThePeer_andIoOnTheAcceptedFdIsWithThePeer() throws Exception {
        byte[] local = Records.sockaddrIn("0.0.0.0", 8080);
        consumer.accept(syscall(SHELL, Op.SOCKET).args(2, 1, 0).ret(3).build());
        consumer.accept(syscall(SHELL, Op.BIND).args(3, 0, local.length).addr(local).build());
        consumer.accept(syscall(SHELL, Op.ACCEPT).args(3).addr(Records.sockaddrIn("192.0.2.50", 51000)).ret(4)
                .build());
        consumer.accept(Records.io(SHELL, 4, S_IFSOCK, 0, 1, 100, 0, 0));

        RemoteNode peer = new RemoteNode("ipv4", "192.0.2.50", 51000);
        assertThat(events).extracting(Event::verb, Event::object).containsExactly(
                tuple(Verb.BIND, new RemoteNode("ipv4", "0.0.0.0", 8080)), tuple(Verb.ACCEPT, peer),
                tuple(Verb.RECV, peer));
    }

    @Test
    void accept_unnamedUnixPeer_isNamedAfterTheListeningSocket() {
        byte[] path = Records.sockaddrUn("/run/app.sock");
        consumer.accept(syscall(SHELL, Op.SOCKET).args(1, 1, 0).ret(3).build());
        consumer.accept(syscall(SHELL, Op.BIND).args(3).addr(path).build());
        consumer.accept(syscall(SHELL, Op.ACCEPT).args(3).addr(new byte[] {1, 0}).ret(4).build());

        assertThat(events.getLast()).extracting(Event::verb, Event::object)
                .containsExactly(Verb.ACCEPT, new RemoteNode("unix", "/run/app.sock", 0));
    }

    @Test
    void sendto_isASendToTheAddress() throws Exception {
        byte[] dns = Records.sockaddrIn("9.9.9.9", 53);
        consumer.accept(syscall(SHELL, Op.SENDTO).args(3, 0, 40, 0, 0, dns.length).addr(dns).ret(40).build());

        assertThat(events.getLast()).extracting(Event::verb, Event::object, Event::bytes)
                .containsExactly(Verb.SEND, new RemoteNode("ipv4", "9.9.9.9", 53), 40L);
    }

    @Test
    void ioOnPipesAndUnconnectedSockets_isNoEvent() {
        consumer.accept(syscall(SHELL, Op.PIPE).args(0, 0).addr(Records.fdPair(3, 4)).build());
        consumer.accept(syscall(SHELL, Op.SOCKETPAIR).args(1, 1, 0).addr(Records.fdPair(5, 6)).build());
        consumer.accept(Records.io(SHELL, 3, S_IFIFO, 0, 1, 1, 0, 0));
        consumer.accept(Records.io(SHELL, 4, S_IFIFO, 0, 0, 0, 1, 1));
        consumer.accept(Records.io(SHELL, 5, S_IFSOCK, 0, 1, 1, 1, 1));
        consumer.accept(Records.io(SHELL, 9, S_IFSOCK, 0, 1, 1, 1, 1));

        assertThat(events).isEmpty();
        assertThat(consumer.stats().droppedUser()).isZero();
    }
}
