package io.changegraph.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** netwatch's host-wide name cache: names from DNS answers, latest wins, bounded with evictions counted. */
class HostNamesTest {
    private static final byte[] API = {10, 1, 2, 3};

    @Test
    void answer_namesItsAddress_alsoAsAnIpv4MappedOne() {
        HostNames names = new HostNames(16);

        assertThat(names.learn(TcpAndPayloadTest.dnsAnswer("API.Internal", API))).isEqualTo(1);

        assertThat(names.nameOf(API)).contains("api.internal");
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 10, 1, 2, 3};
        assertThat(names.nameOf(mapped)).as("a dual-stack socket's view of the address").contains("api.internal");
        assertThat(names.nameOf(new byte[] {10, 1, 2, 4})).isEmpty();
        assertThat(names.answers()).isEqualTo(1);
    }

    @Test
    void laterAnswer_forTheSameAddress_replacesTheName() {
        HostNames names = new HostNames(16);
        names.learn(TcpAndPayloadTest.dnsAnswer("old.internal", API));
        names.learn(TcpAndPayloadTest.dnsAnswer("new.internal", API));

        assertThat(names.nameOf(API)).contains("new.internal");
        assertThat(names.size()).isEqualTo(1);
    }

    @Test
    void notAResponse_orGarbage_teachesNothing() {
        HostNames names = new HostNames(16);
        byte[] query = TcpAndPayloadTest.dnsAnswer("api.internal", API);
        query[2] = 0x01;   // QR clear: a query

        assertThat(names.learn(query)).isZero();
        assertThat(names.learn(new byte[] {1, 2, 3})).isZero();
        assertThat(names.learn(new byte[0])).isZero();
        assertThat(names.size()).isZero();
        assertThat(names.answers()).isZero();
    }

    @Test
    void answerCutInsideALabel_teachesNothing_andThrowsNothing() {
        HostNames names = new HostNames(16);
        byte[] whole = TcpAndPayloadTest.dnsAnswer("api.internal", API);
        for (int cut = 0; cut < whole.length; cut++) {
            assertThat(names.learn(java.util.Arrays.copyOf(whole, cut))).as("cut at %d", cut).isZero();
        }
        assertThat(names.learn(whole)).isEqualTo(1);
    }

    @Test
    void randomBytesFromTheWire_neverThrow() {
        HostNames names = new HostNames(64);
        java.util.Random random = new java.util.Random(15);
        byte[] answer = TcpAndPayloadTest.dnsAnswer("api.internal", API);
        for (int i = 0; i < 20_000; i++) {
            byte[] message = i % 2 == 0 ? new byte[random.nextInt(600)] : answer.clone();
            if (i % 2 == 0) {
                random.nextBytes(message);
                if (message.length > 2) {
                    message[2] |= (byte) 0x80;   // a response, so the parser goes past the header
                }
            } else {
                message[12 + random.nextInt(message.length - 12)] = (byte) random.nextInt(256);
            }
            names.learn(message);
        }
        assertThat(names.size()).isLessThanOrEqualTo(64);
    }

    @Test
    void fullCache_forgetsTheLeastRecentlyUsedAddress_andCountsIt() {
        HostNames names = new HostNames(2);
        names.learn(TcpAndPayloadTest.dnsAnswer("a.test", new byte[] {10, 0, 0, 1}));
        names.learn(TcpAndPayloadTest.dnsAnswer("b.test", new byte[] {10, 0, 0, 2}));
        names.nameOf(new byte[] {10, 0, 0, 1});   // a is the recent one now
        names.learn(TcpAndPayloadTest.dnsAnswer("c.test", new byte[] {10, 0, 0, 3}));

        assertThat(names.nameOf(new byte[] {10, 0, 0, 2})).isEmpty();
        assertThat(names.nameOf(new byte[] {10, 0, 0, 1})).contains("a.test");
        assertThat(names.nameOf(new byte[] {10, 0, 0, 3})).contains("c.test");
        assertThat(names.evicted()).isEqualTo(1);
        assertThatThrownBy(() -> new HostNames(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
