package io.changegraph.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionFilterTest {
    static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void like_globStarAndQuestionMark_becomeLikeWildcards_likeWildcardsStayLiteral() {
        assertThat(SessionFilter.like("web-*")).isEqualTo("web-%");
        assertThat(SessionFilter.like("web?")).isEqualTo("web_");
        assertThat(SessionFilter.like("100%_a\\b")).isEqualTo("100\\%\\_a\\\\b");
    }

    @Test
    void since_durationsAndInstants_areResolvedAgainstNow() {
        assertThat(SessionFilter.since("30m", NOW)).isEqualTo(Instant.parse("2026-12-06T09:30:00Z"));
        assertThat(SessionFilter.since("6h", NOW)).isEqualTo(Instant.parse("2026-12-06T04:00:00Z"));
        assertThat(SessionFilter.since("1d", NOW)).isEqualTo(Instant.parse("2026-12-05T10:00:00Z"));
        assertThat(SessionFilter.since("2w", NOW)).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
        assertThat(SessionFilter.since("2026-12-01T00:00:00Z", NOW)).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(SessionFilter.since(null, NOW)).isNull();
        assertThatThrownBy(() -> SessionFilter.since("yesterday", NOW)).hasMessageContaining("30m, 6h, 1d, 2w");
    }

    @Test
    void limit_defaultsTo100_outOfRangeIsRejected() {
        assertThat(SessionFilter.limit(null)).isEqualTo(100);
        assertThatThrownBy(() -> new SessionFilter(null, null, null, null, null, 0)).hasMessageContaining("1-10000");
        assertThatThrownBy(() -> new SessionFilter(null, null, null, null, null, 10_001)).hasMessageContaining("1-10000");
        assertThatThrownBy(() -> SessionFilter.limit("ten")).hasMessageContaining("not a whole number");
    }

    @Test
    void commandBase_cutsTheProgramToItsFileName() {
        assertThat(IngestStore.commandBase(List.of("examples/deploy.sh", "--env", "canary"))).isEqualTo("deploy.sh --env canary");
        assertThat(IngestStore.commandBase(List.of("/usr/bin/apt-get"))).isEqualTo("apt-get");
        assertThat(IngestStore.commandBase(List.of())).isEmpty();
    }
}
