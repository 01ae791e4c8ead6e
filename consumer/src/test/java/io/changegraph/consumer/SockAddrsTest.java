package io.changegraph.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SockAddrsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0:0:0:0:0:0:0:0, ::",
        "0:0:0:0:0:0:0:1, ::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "fe80:0:0:0:a:b:c:d, fe80::a:b:c:d",
        "2001:DB8:AAAA:0:0:0:0:0, 2001:db8:aaaa::",
    })
    void ipv6_text_isRfc5952Canonical(String address, String canonical) throws UnknownHostException {
        assertThat(SockAddrs.ipv6(InetAddress.getByName(address).getAddress())).isEqualTo(canonical);
    }

    @Test
    void decode_tooShortForItsFamily_isNothing() {
        assertThat(SockAddrs.decode(new byte[] {2, 0, 0, 80})).isEmpty();
        assertThat(SockAddrs.decode(new byte[] {10, 0, 0, 80, 0, 0, 0, 0})).isEmpty();
        assertThat(SockAddrs.decode(new byte[1])).isEmpty();
    }
}
