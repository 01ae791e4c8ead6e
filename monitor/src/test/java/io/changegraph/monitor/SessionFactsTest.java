package io.changegraph.monitor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionFactsTest {
    @Test
    void sshClient_sshConnection_isClientAddressPortArrowServerPort() {
        assertThat(SessionFacts.sshClient("127.0.0.1 49168 127.0.0.1 2222")).isEqualTo("127.0.0.1:49168 \u2192 :2222");
        assertThat(SessionFacts.sshClient("2001:db8::7 51000 2001:db8::1 22")).isEqualTo("[2001:db8::7]:51000 \u2192 :22");
    }

    @Test
    void sshClient_absentOrOdd_isEmptyOrAsGiven() {
        assertThat(SessionFacts.sshClient(null)).isEmpty();
        assertThat(SessionFacts.sshClient("  ")).isEmpty();
        assertThat(SessionFacts.sshClient("10.0.0.1 22")).isEqualTo("10.0.0.1 22");
    }

    @Test
    void facts_impossibleUid_isRejected() {
        assertThatThrownBy(() -> new SessionFacts("s", "", "", -2, "", "", null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(SessionFacts.of("s").uid()).isEqualTo(-1);
    }
}
