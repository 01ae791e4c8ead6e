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
        int closed;
        try (ServerSocket probe = new ServerSocket(0)) {
            closed = probe.getLocalPort();   // free again once closed: nothing listens there
        }
        try (NetwatchProbe netwatch = NetwatchProbe.open().configure(1024, 1 << 16).load();
             ServerSocket open = new ServerSocket(0)) {
            assertThat(netwatch.attach()).isEqualTo(5);
            try (Socket fine = new Socket()) {
                fine.connect(new InetSocketAddress("127.0.0.1", open.getLocalPort()), 2000);
            }
            try (Socket refused = new Socket()) {
                assertThatThrownBy(() -> refused.connect(new InetSocketAddress("127.0.0.1", closed), 2000))
                        .isInstanceOf(ConnectException.class);
            } catch (IOException ignored) {
                // closing a socket that never connected
            }
            List<NetwatchProbe.Flow> flows = new ArrayList<>();
            long until = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < until && flows.stream().noneMatch(f -> f.port() == closed)) {
                netwatch.poll(100, flows::add);
            }
            int self = (int) ProcessHandle.current().pid();
            assertThat(flows).filteredOn(f -> f.tgid() == self && f.port() == closed).singleElement().satisfies(f -> {
                assertThat(f.error()).as("ECONNREFUSED").isEqualTo(111);
                assertThat(f.oldState()).as("left SYN_SENT").isEqualTo(2);
                assertThat(f.address()).containsExactly(127, 0, 0, 1);
                assertThat(f.family()).isEqualTo(2);
                assertThat(f.comm()).isNotEmpty();
            });
            assertThat(flows).as("a healthy connection sends no record")
                    .noneMatch(f -> f.tgid() == self && f.port() == open.getLocalPort() && f.error() == 0);
            assertThat(netwatch.lost()).containsExactly(0, 0);
        }
    }
}
