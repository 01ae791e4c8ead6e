package io.changegraph.consumer;

import static io.changegraph.consumer.Records.syscall;
import static org.assertj.core.api.Assertions.assertThat;

import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.HttpRequest;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.TcpCounts;
import io.changegraph.repository.model.Verb;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** cg_tcp outcomes on connect edges, cg_payload names, HTTP request lines and TLS server names. */
class TcpAndPayloadTest extends SeededShellTest {
    private static final long SK = 0xffff8880_12345678L;
    private static final int SYN_SENT = 2;
    private static final int ESTABLISHED = 1;
    private static final int[] NONE = {0, 0, 0, 0};

    private void connectCall(String ip, int port, long ret) throws Exception {
        byte[] addr = Records.sockaddrIn(ip, port);
        consumer.accept(syscall(SHELL, Op.SOCKET).args(2, 1, 0).ret(3).build());
        consumer.accept(syscall(SHELL, Op.CONNECT).args(3, 0, addr.length).addr(addr).ret(ret).build());
    }

    private List<Event> evidence() {
        return events.stream().filter(e -> e.net() != null && e.count() == 0).toList();
    }

    @Test
    void tcp_nonBlockingConnectRefusedLater_isAFailedConnect() throws Exception {
        consumer.accept(Records.tcp(SHELL, SK, WireLayouts.TCP_CONNECTING, "127.0.0.1", 9, NONE, 0, 7, 0));
        connectCall("127.0.0.1", 9, -115);   // EINPROGRESS
        consumer.accept(Records.tcp(SHELL, SK, WireLayouts.TCP_CLOSED, "127.0.0.1", 9, new int[] {0, 0, 1, 0}, 111,
                SYN_SENT, 0));

        Event refused = evidence().getFirst();
        assertThat(refused.object()).isEqualTo(new RemoteNode("ipv4", "127.0.0.1", 9));
        assertThat(refused.failed()).isEqualTo(1);
        assertThat(refused.net().tcp()).isEqualTo(new TcpCounts(0, 0, 0, 1, 0, 1, 0, 0, 0));
        assertThat(stats().droppedUser()).isZero();
    }

    @Test
    void tcp_nonBlockingConnectRefusedBeforeTheCallReturns_isAFailedConnectOnce() throws Exception {
        consumer.accept(Records.tcp(SHELL, SK, WireLayouts.TCP_CONNECTING, "127.0.0.1", 9, NONE, 0, 7, 0));
        consumer.accept(Records.tcp(SHELL, SK, WireLayouts.TCP_CLOSED, "127.0.0.1", 9, new int[] {0, 0, 1, 0}, 111,
                SYN_SENT, 0));
        connectCall("127.0.0.1", 9, -115);   // loopback: the reset was processed before connect returned

        assertThat(events.stream().filter(e -> e.verb() == Verb.CONNECT)).extracting(Event::count, Event::failed)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 0L), org.assertj.core.groups.Tuple.tuple(1L, 1L));
    }

    @Test
    void tcp_resetSentAfterTheClose_isOneResetSentOnThatConnectionsEdge_onAnotherSocketNothing() throws Exception {
        consumer.accept(Records.tcp(SHELL, SK, WireLayouts.TCP_CONNECTING, "10.0.0.7", 443, NONE, 0, 7, 0));
        connectCall("10.0.0.7", 443, 0);
        consumer.accept(Records.tcp(SHELL, SK, WireLayouts.TCP_ESTABLISHED, "10.0.0.7", 443, NONE, 0, SYN_SENT, 0));
        consumer.accept(Records.tcp(SHELL, SK, WireLayouts.TCP_CLOSED, "10.0.0.7", 443, NONE, 0, ESTABLISHED, 0));
        // SO_LINGER 0: the kernel sends the reset after CLOSED
        consumer.accept(Records.tcp(SHELL, SK, WireLayouts.TCP_RESET_SENT, "10.0.0.7", 443, new int[] {0, 0, 0, 1}, 0,
                7, 0));
        // an accepted socket of the shell aborted the same way: never a followed connection
        consumer.accept(Records.tcp(SHELL, SK + 64, WireLayouts.TCP_RESET_SENT, "10.0.0.9", 5000,
                new int[] {0, 0, 0, 1}, 0, 7, 0));
        // a second reset of that socket (none is sent twice): not counted again
        consumer.accept(Records.tcp(SHELL, SK, WireLayouts.TCP_RESET_SENT, "10.0.0.7", 443, new int[] {0, 0, 0, 1}, 0,
                7, 0));

        long resetsSent = evidence().stream().filter(e -> e.object().equals(new RemoteNode("ipv4", "10.0.0.7", 443)))
                .mapToLong(e -> e.net().tcp().resetsSent()).sum();
        assertThat(resetsSent).isEqualTo(1);
        assertThat(evidence()).noneMatch(e -> e.object().equals(new RemoteNode("ipv4", "10.0.0.9", 5000)));
        assertThat(stats().droppedUser()).isZero();
    }

    @Test
    void tcp_blockingConnectRefused_countsTheFailureOnce() throws Exception {
        consumer.accept(Records.tcp(SHELL, SK, WireLayouts.TCP_CONNECTING, "127.0.0.1", 9, NONE, 0, 7, 0));
        consumer.accept(Records.tcp(SHELL, SK, WireLayouts.TCP_CLOSED, "127.0.0.1", 9, new int[] {0, 0, 1, 0}, 111,
                SYN_SENT, 0));
        connectCall("127.0.0.1", 9, -111);   // the call's own failure arrives after the outcome

        long failed = events.stream().filter(e -> e.verb() == Verb.CONNECT).mapToLong(Event::failed).sum();
        assertThat(failed).isEqualTo(1);
        assertThat(evidence().getFirst().net().tcp().refused()).isEqualTo(1);
    }

    @Test
    void tcp_synRetransmitsThenTimeout_countedOnce_withCumulativeCountersAsDeltas() throws Exception {
        consumer.accept(Records.tcp(SHELL, SK, WireLayouts.TCP_CONNECTING, "10.0.0.1", 81, NONE, 0, 7, 0));
        connectCall("10.0.0.1", 81, -115);
        consumer.accept(Records.tcp(SHELL, SK, WireLayouts.TCP_CLOSED, "10.0.0.1", 81, new int[] {2, 0, 0, 0}, 110,
                SYN_SENT, 0));

        assertThat(evidence()).singleElement().satisfies(e -> {
            assertThat(e.net().tcp()).isEqualTo(new TcpCounts(0, 2, 0, 0, 0, 0, 1, 0, 0));
            assertThat(e.failed()).isEqualTo(1);
        });
    }

    @Test
    void tcp_establishedThenResetReceived_isNoFailedConnect() throws Exception {
        consumer.accept(Records.tcp(SHELL, SK, WireLayouts.TCP_CONNECTING, "10.0.0.1", 83, NONE, 0, 7, 0));
        connectCall("10.0.0.1", 83, -115);
        consumer.accept(Records.tcp(SHELL, SK, WireLayouts.TCP_ESTABLISHED, "10.0.0.1", 83, NONE, 0, SYN_SENT, 0));
        consumer.accept(Records.tcp(SHELL, SK, WireLayouts.TCP_CLOSED, "10.0.0.1", 83, new int[] {0, 3, 1, 0}, 104,
                ESTABLISHED, 100));

        assertThat(evidence()).extracting(e -> e.net().tcp()).containsExactly(
                new TcpCounts(1, 0, 0, 0, 0, 0, 0, 0, 0), new TcpCounts(0, 0, 3, 1, 0, 0, 0, 100, 0));
        assertThat(evidence()).allMatch(e -> e.failed() == 0);
    }

    @Test
    void payload_dnsAnswerThenConnect_namesTheRemote() throws Exception {
        consumer.accept(Records.payload(SHELL, WireLayouts.PAYLOAD_DNS, "127.0.0.53", 53,
                dnsAnswer("api.internal", new byte[] {10, 1, 2, 3})));
        connectCall("10.1.2.3", 443, 0);

        Event connect = events.stream().filter(e -> e.verb() == Verb.CONNECT).findFirst().orElseThrow();
        assertThat(connect.net().names()).containsExactly("api.internal");
    }

    @Test
    void payload_firstSendHttp_givesRequestLineAndHostAsName() throws Exception {
        byte[] request = "POST /v1/deploy?x=1 HTTP/1.1\r\nUser-Agent: t\r\nHost: Api.Internal:8080\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        consumer.accept(Records.payload(SHELL, WireLayouts.PAYLOAD_FIRST_SEND, "10.1.2.3", 8080, request));

        Event e = evidence().getFirst();
        assertThat(e.net().http()).isEqualTo(new HttpRequest("POST", "Api.Internal:8080", "/v1/deploy?x=1"));
        assertThat(e.net().names()).containsExactly("api.internal");
    }

    @Test
    void payload_firstSendOtherBytes_saysNothing() throws Exception {
        consumer.accept(Records.payload(SHELL, WireLayouts.PAYLOAD_FIRST_SEND, "10.1.2.3", 22,
                "SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII)));
        consumer.accept(Records.payload(SHELL, WireLayouts.PAYLOAD_FIRST_SEND, "10.1.2.3", 80,
                "GET /cut-before-the-line-en".getBytes(StandardCharsets.US_ASCII)));

        assertThat(events).isEmpty();
        assertThat(stats().droppedUser()).isZero();
    }

    @Test
    void firstBytes_tlsClientHello_givesTheServerName() {
        assertThat(FirstBytes.tlsServerName(clientHello("Secure.Example.test"))).contains("secure.example.test");
        byte[] cut = java.util.Arrays.copyOf(clientHello("secure.example.test"), 60);
        assertThat(FirstBytes.tlsServerName(cut)).isEmpty();
    }

    @Test
    void dnsAnswers_compressedCnameChainAndTcpLengthPrefix_giveTheAskedName() {
        byte[] answer = dnsAnswer("www.example.test", new byte[] {192 - 256, 0, 2, 7});
        byte[] framed = new byte[answer.length + 2];
        framed[0] = (byte) (answer.length >> 8);
        framed[1] = (byte) answer.length;
        System.arraycopy(answer, 0, framed, 2, answer.length);

        assertThat(DnsAnswers.parse(framed)).containsExactly(new DnsAnswers.Answer("www.example.test", "ipv4", "192.0.2.7"));
        assertThat(DnsAnswers.parse(java.util.Arrays.copyOf(answer, answer.length - 2))).isEmpty();
        assertThat(DnsAnswers.parse(new byte[] {1, 2, 3})).isEmpty();
    }

    private ConsumerStats stats() {
        return consumer.stats();
    }

    /** A response to "name A?" with a CNAME to "edge.cdn.test" and an A record for it (compressed names). */
    static byte[] dnsAnswer(String name, byte[] address) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x12, 0x34, (byte) 0x81, (byte) 0x80, 0, 1, 0, 2, 0, 0, 0, 0});
        out.writeBytes(labels(name));
        out.writeBytes(new byte[] {0, 1, 0, 1});
        byte[] target = labels("edge.cdn.test");
        out.writeBytes(new byte[] {(byte) 0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, (byte) target.length});
        int targetAt = out.size();
        out.writeBytes(target);
        out.writeBytes(new byte[] {(byte) 0xc0, (byte) targetAt, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4});
        out.writeBytes(address);
        return out.toByteArray();
    }

    private static byte[] labels(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String label : name.split("\\.")) {
            out.write(label.length());
            out.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        out.write(0);
        return out.toByteArray();
    }

    /** A minimal TLS 1.2 ClientHello with one extension, server_name. */
    static byte[] clientHello(String host) {
        byte[] name = host.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        ext.writeBytes(new byte[] {0, 0, 0, (byte) (name.length + 5), 0, (byte) (name.length + 3), 0, 0,
                (byte) name.length});
        ext.writeBytes(name);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {3, 3});
        body.writeBytes(new byte[32]);
        body.writeBytes(new byte[] {0, 0, 2, 0, 0x2f, 1, 0});   // no session id, one suite, null compression
        body.writeBytes(new byte[] {0, (byte) ext.size()});
        body.writeBytes(ext.toByteArray());
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.writeBytes(new byte[] {22, 3, 1, 0, (byte) (body.size() + 4), 1, 0, 0, (byte) body.size()});
        record.writeBytes(body.toByteArray());
        return record.toByteArray();
    }
}
