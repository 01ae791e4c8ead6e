package io.changegraph.repository.formats;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class FieldsTimeTest {
    @Test
    void utc_agreesWithInstantParse_onWhatWritersWrite_andDeclinesTheRest() {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(4_000_000_000L), random.nextInt(4) == 0 ? 0
                    : random.nextInt(1_000_000_000));
            assertThat(Fields.utc(t.toString())).as(t.toString()).isEqualTo(t);
        }
        for (String odd : new String[]{"2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-21T24:00:00Z",
                "2026-11-21T20:00:00.Z", "2026-11-21T20:00:00.1234567890Z", "2026-11-21 20:00:00Z", "+2026-11-21T20:00:00Z",
                "2026-11-21T20:00:00+01:00", "yesterday"}) {
            assertThat(Fields.utc(odd)).as(odd).isNull();
        }
    }
}
