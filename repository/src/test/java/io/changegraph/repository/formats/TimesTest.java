package io.changegraph.repository.formats;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimesTest {
    @Test
    void iso_isInstantToString_forWholeMilliMicroAndNanoFractions_andOutOfRangeYears() {
        for (String text : new String[] {"2026-11-21T20:00:00Z", "2026-11-21T20:00:00.100Z", "2026-11-21T20:00:00.000100Z",
                "2026-11-21T20:00:00.000000001Z", "1970-01-01T00:00:00Z", "2000-02-29T23:59:59.999999999Z",
                "9999-12-31T23:59:59.5Z", "+10000-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z"}) {
            Instant time = Instant.parse(text);
            assertThat(Times.iso(time)).isEqualTo(time.toString());
        }
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++) {
            Instant time = Instant.ofEpochSecond(random.nextLong(0, 4_000_000_000L), random.nextInt(4) == 0 ? 0
                    : random.nextInt(1_000_000_000));
            assertThat(Times.iso(time)).isEqualTo(time.toString());
        }
    }
}
