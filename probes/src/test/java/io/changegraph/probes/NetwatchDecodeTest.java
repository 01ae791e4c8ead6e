package io.changegraph.probes;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Decoding {@code struct nw_dns}: UDP as is, TCP without its length prefix, a cut message said so. */
class NetwatchDecodeTest {
    private static MemorySegment record(Arena arena, boolean tcp, byte[] data, int total) {
        MemorySegment r = arena.allocate(NetwatchProbe.DNS);
        r.set(JAVA_LONG, offset("ts_ns"), 77L);
        r.set(JAVA_INT, offset("len"), data.length);
        r.set(JAVA_INT, offset("total"), total);
        r.set(JAVA_BYTE, offset("tcp"), (byte) (tcp ? 1 : 0));
        MemorySegment.copy(data, 0, r, JAVA_BYTE, offset("data"), data.length);
        return r;
    }

    private static long offset(String field) {
        return NetwatchProbe.DNS.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    @Test
    void udpMessage_isTheBytes_tcpLosesItsLengthPrefix_andACutOneSaysSo() {
        try (Arena arena = Arena.ofConfined()) {
            NetwatchProbe.Dns udp = NetwatchProbe.decodeDns(record(arena, false, new byte[] {1, 2, 3, 4}, 4));
            assertThat(udp.message()).containsExactly(1, 2, 3, 4);
            assertThat(udp.tcp()).isFalse();
            assertThat(udp.cut()).isFalse();
            assertThat(udp.tsNanos()).isEqualTo(77L);

            NetwatchProbe.Dns tcp = NetwatchProbe.decodeDns(record(arena, true, new byte[] {0, 4, 1, 2, 3, 4}, 6));
            assertThat(tcp.message()).containsExactly(1, 2, 3, 4);
            assertThat(tcp.tcp()).isTrue();

            NetwatchProbe.Dns cut = NetwatchProbe.decodeDns(record(arena, false, new byte[512], 900));
            assertThat(cut.message()).hasSize(512);
            assertThat(cut.cut()).isTrue();
        }
        assertThatThrownBy(() -> new NetwatchProbe.Dns(0, false, new byte[513], false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
