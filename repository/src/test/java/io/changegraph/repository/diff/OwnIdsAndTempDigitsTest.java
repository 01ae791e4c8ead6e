package io.changegraph.repository.diff;

import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Session;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OwnIdsAndTempDigitsTest {
    private static ProcessNode sedAs(int uid) {
        return new ProcessNode(100, 1, 1, "/usr/bin/sed", List.of("sed", "-i"), "/", uid, uid, null, null, true,
                Instant.EPOCH, null);
    }

    @Test
    void chownDetail_toTheActingUsersOwnIds_isNormalised_otherIdsAreKept() {
        assertThat(Behaviour.ownIds("1002:1002", sedAs(1002))).isEqualTo("<uid>:<gid>");
        assertThat(Behaviour.ownIds("0:0", sedAs(1002))).isEqualTo("0:0");
        assertThat(Behaviour.ownIds("1002:100", sedAs(1002))).isEqualTo("<uid>:100");
        assertThat(Behaviour.ownIds("-1:1002", sedAs(1002))).isEqualTo("-1:<gid>");
    }

    @Test
    void tempFileNameWithALongDigitRun_isNormalised_shortNumbersAreKept() {
        Normalizer normalizer = Normalization.defaults()
                .forSession(new Session("s", "host", "root", 1, List.of(), Instant.EPOCH, null));
        assertThat(normalizer.apply("/tmp/cg-stderr12880946602202032295.txt")).isEqualTo("/tmp/cg-stderr<tmp>.txt");
        assertThat(normalizer.apply("/tmp/app-2024.log")).isEqualTo("/tmp/app-2024.log");
        assertThat(normalizer.apply("/etc/app12345678.conf")).isEqualTo("/etc/app12345678.conf");
    }
}
