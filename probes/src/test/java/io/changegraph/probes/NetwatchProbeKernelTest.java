package io.changegraph.probes;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loads the netwatch object into this kernel (root needed; CI runs these): no process is followed. */
@Tag("kernel")
class NetwatchProbeKernelTest {

    @Test
    void refusedLoopbackConnect_ofAnyProcess_isOneFlowWithTheRefusal_aHealthyOneIsNone() throws Exception {
        int closed = closedPort();
        try (NetwatchProbe netwatch = NetwatchProbe.open().configure(1 << 16).load();
             ServerSocket open = new ServerSocket(0)) {
            assertThat(netwatch.attach()).as("2 connect hooks, 3 TCP error paths (retransmit, sent reset, error) and the DNS answer program").isEqualTo(6);
            try (Socket fine = new Socket()) {
                fine.connect(new InetSocketAddress("127.0.0.1", open.getLocalPort()), 2000);
                open.accept().close();
            }
            refuse(closed);
            List<NetwatchProbe.Flow> flows = pollUntil(netwatch, closed, 1);
            int self = (int) ProcessHandle.current().pid();
            assertThat(flows).filteredOn(f -> f.tgid() == self && f.port() == closed).singleElement().satisfies(f -> {
                assertThat(f.connections()).isEqualTo(1);
                assertThat(f.refused()).as("ECONNREFUSED in SYN_SENT").isEqualTo(1);
                assertThat(f.resetsReceived()).as("the refusal's reset is the refusal").isZero();
                assertThat(f.timedOut()).isZero();
                assertThat(f.address()).containsExactly(127, 0, 0, 1);
                assertThat(f.family()).isEqualTo(2);
                assertThat(f.comm()).isNotEmpty();
            });
            assertThat(flows).as("a healthy connection is no anomaly").noneMatch(f -> f.port() == open.getLocalPort());
            assertThat(java.util.Arrays.stream(netwatch.recursionMisses()).boxed().toList())
                    .as("the kernel's program info of each program, read").hasSize(6).allMatch(m -> m >= 0);
            assertThat(netwatch.lost()).containsExactly(0, 0, 0, 0);
        }
    }

    @Test
    void refusedIpv6Connect_isNotedByTheConnect6Hook() throws Exception {
        int closed = closedPort();
        try (NetwatchProbe netwatch = NetwatchProbe.open().configure(1 << 16, false).load()) {
            netwatch.attach();
            try (Socket refused = new Socket()) {
                assertThatThrownBy(() -> refused.connect(new InetSocketAddress("::1", closed), 2000))
                        .isInstanceOf(ConnectException.class);
            }
            List<NetwatchProbe.Flow> flows = pollUntil(netwatch, closed, 1);
            int self = (int) ProcessHandle.current().pid();
            assertThat(flows).filteredOn(f -> f.tgid() == self && f.port() == closed).singleElement().satisfies(f -> {
                assertThat(f.family()).isEqualTo(10);
                assertThat(f.address()).hasSize(16).endsWith(1);
                assertThat(f.refused()).isEqualTo(1);
            });
        }
    }

    @Test
    void manyRefusals_toOneDestination_areSummedInTheKernel_intoOneKey() throws Exception {
        int closed = closedPort();
        try (NetwatchProbe netwatch = NetwatchProbe.open().configure(1 << 16, false).load()) {
            netwatch.attach();
            for (int i = 0; i < 25; i++) {
                refuse(closed);
            }
            List<NetwatchProbe.Flow> flows = pollUntil(netwatch, closed, 25);
            int self = (int) ProcessHandle.current().pid();
            List<NetwatchProbe.Flow> mine = flows.stream().filter(f -> f.tgid() == self && f.port() == closed).toList();
            assertThat(mine.stream().mapToLong(NetwatchProbe.Flow::connections).sum()).isEqualTo(25);
            assertThat(mine.stream().mapToLong(NetwatchProbe.Flow::refused).sum()).isEqualTo(25);
            assertThat(mine).as("summed per key between drains, not one flow per connection").hasSizeLessThan(25);
            assertThat(netwatch.lost()).containsExactly(0, 0, 0, 0);
        }
    }

    @Test
    void soLingerZeroClose_sendsAResetAfterTheClose_countedAsAResetSent() throws Exception {
        try (NetwatchProbe netwatch = NetwatchProbe.open().configure(1 << 16, false).load();
             ServerSocket server = new ServerSocket(0)) {
            netwatch.attach();
            Socket accepted;
            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress("127.0.0.1", server.getLocalPort()), 2000);
                accepted = server.accept();
                client.setSoLinger(true, 0);   // close() aborts: the kernel sends a reset right after the CLOSE
            }
            accepted.close();
            List<NetwatchProbe.Flow> flows = pollUntil(netwatch, server.getLocalPort(), 1);
            int self = (int) ProcessHandle.current().pid();
            assertThat(flows).filteredOn(f -> f.tgid() == self && f.port() == server.getLocalPort()).singleElement()
                    .satisfies(f -> {
                        assertThat(f.connections()).isEqualTo(1);
                        assertThat(f.resetsSent()).isEqualTo(1);
                        assertThat(f.refused() + f.timedOut() + f.resetsReceived()).isZero();
                    });
            assertThat(flows).as("the ECONNRESET the abortive close reports on its own socket (its peer port"
                    + " cleared) is no reset received").noneMatch(f -> f.tgid() == self && f.port() == 0);
        }
    }

    @Test
    void newKeysBeyondTheAggregationMap_comeThroughTheRingBuffer_nothingLost() throws Exception {
        int[] closed = {closedPort(), closedPort(), closedPort()};
        try (NetwatchProbe netwatch = NetwatchProbe.open().configure(1 << 16, false, 1).load()) {
            netwatch.attach();
            for (int port : closed) {
                refuse(port);
            }
            List<NetwatchProbe.Flow> flows = new ArrayList<>();
            long until = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < until && !java.util.Arrays.stream(closed).allMatch(
                    p -> flows.stream().anyMatch(f -> f.port() == p))) {
                netwatch.poll(100, flows::add);
            }
            for (int port : closed) {
                assertThat(flows).as("port " + port).filteredOn(f -> f.port() == port)
                        .extracting(NetwatchProbe.Flow::refused).containsExactly(1L);
            }
            assertThat(netwatch.lost()).containsExactly(0, 0, 0, 0);
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();   // free again once closed: nothing listens there
        }
    }

    private static void refuse(int closed) {
        try (Socket refused = new Socket()) {
            assertThatThrownBy(() -> refused.connect(new InetSocketAddress("127.0.0.1", closed), 2000))
                    .isInstanceOf(ConnectException.class);
        } catch (IOException ignored) {
            // closing a socket that never connected
        }
    }

    /** Polls until the flows to {@code port} sum to {@code connections}, at most 5 s; every flow polled. */
    private static List<NetwatchProbe.Flow> pollUntil(NetwatchProbe netwatch, int port, long connections) {
        List<NetwatchProbe.Flow> flows = new ArrayList<>();
        long until = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < until && flows.stream().filter(f -> f.port() == port)
                .mapToLong(NetwatchProbe.Flow::connections).sum() < connections) {
            netwatch.poll(100, flows::add);
        }
        return flows;
    }

    @Test
    void dnsAnswerFromPort53_ofAnyProcess_isOneDnsMessage_andOffMeansNone() throws Exception {
        byte[] answer = new byte[40];
        answer[0] = 0x4e;
        answer[1] = 0x21;                 // id 0x4e21
        answer[2] = (byte) 0x81;          // QR: a response
        answer[39] = 0x7f;
        try (NetwatchProbe netwatch = NetwatchProbe.open().configure(1 << 16).load()) {
            netwatch.attach();
            List<NetwatchProbe.Dns> seen = sendAnswerAndPoll(netwatch, answer);
            assertThat(seen).as("the answer from port 53").anySatisfy(d -> {
                assertThat(d.message()).containsExactly(answer);
                assertThat(d.tcp()).isFalse();
                assertThat(d.cut()).isFalse();
            });
            assertThat(netwatch.lost()[2]).isZero();
        }
        try (NetwatchProbe off = NetwatchProbe.open().configure(1 << 16, false).load()) {
            assertThat(off.attach()).as("without the DNS program").isEqualTo(5);
            assertThat(sendAnswerAndPoll(off, answer)).isEmpty();
        }
    }

    @Test
    void dnsAnswerOverIpv6_isCaptured() throws Exception {
        byte[] answer = new byte[30];
        answer[0] = 0x66;
        answer[1] = 0x22;
        answer[2] = (byte) 0x81;
        answer[29] = 0x55;
        try (NetwatchProbe netwatch = NetwatchProbe.open().configure(1 << 16).load()) {
            netwatch.attach();
            List<NetwatchProbe.Dns> seen = new ArrayList<>();
            try (java.net.DatagramSocket server = new java.net.DatagramSocket(new InetSocketAddress("::1", 53));
                 java.net.DatagramSocket client = new java.net.DatagramSocket(new InetSocketAddress("::1", 0))) {
                server.send(new java.net.DatagramPacket(answer, answer.length, client.getLocalSocketAddress()));
                client.setSoTimeout(2000);
                client.receive(new java.net.DatagramPacket(new byte[512], 512));
            }
            long until = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < until && seen.stream().noneMatch(d -> d.message().length == answer.length
                    && d.message()[0] == 0x66 && d.message()[1] == 0x22)) {
                netwatch.poll(100, seen::add, flow -> { });
            }
            assertThat(seen).as("the answer from [::1]:53").anySatisfy(d -> {
                assertThat(d.tcp()).isFalse();
                assertThat(d.message()).containsExactly(answer);
            });
        }
    }

    /** Sends {@code answer} from 127.0.0.53-ish port 53 to a loopback socket; the DNS messages polled meanwhile. */
    private static List<NetwatchProbe.Dns> sendAnswerAndPoll(NetwatchProbe netwatch, byte[] answer) throws IOException {
        List<NetwatchProbe.Dns> seen = new ArrayList<>();
        try (java.net.DatagramSocket server = new java.net.DatagramSocket(new InetSocketAddress("127.77.0.53", 53));
             java.net.DatagramSocket client = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            server.send(new java.net.DatagramPacket(answer, answer.length, client.getLocalSocketAddress()));
            client.setSoTimeout(2000);
            client.receive(new java.net.DatagramPacket(new byte[512], 512));
            long until = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < until && seen.stream().noneMatch(d -> d.message().length == answer.length
                    && d.message()[0] == answer[0] && d.message()[1] == answer[1])) {
                netwatch.poll(100, seen::add, flow -> { });
            }
        }
        return seen.stream().filter(d -> d.message().length == answer.length && d.message()[0] == answer[0]
                && d.message()[1] == answer[1]).toList();
    }
}
