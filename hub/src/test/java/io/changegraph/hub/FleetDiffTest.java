package io.changegraph.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.changegraph.repository.diff.DiffOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FleetDiffTest {
    private static final FleetRun CANARY = FleetFixtures.run("canary-1");
    private static final Map<String, FleetRun> PRODUCTION = Map.of("web-1", FleetFixtures.run("web-1"),
            "web-2", FleetFixtures.run("web-2"), "web-3", FleetFixtures.run("web-3"));

    @Test
    void compare_plantedDeviation_ranksThatHostFirst() {
        FleetDiffReport report = FleetDiff.compare(CANARY, PRODUCTION, Set.of(), DiffOptions.defaults());

        assertThat(report.hosts()).extracting(FleetDiffReport.HostRow::host).containsExactly("web-2", "web-1", "web-3");
        FleetDiffReport.HostRow web2 = report.hosts().getFirst();
        assertThat(web2.extra()).anySatisfy(text -> assertThat(text).contains("web-2 also connected to 203.0.113.7:443"))
                .anySatisfy(text -> assertThat(text).contains("web-2 also created /usr/local/bin/myapp-helper"));
        assertThat(web2.missing()).anySatisfy(text -> assertThat(text).contains("canary also changed cron /etc/cron.d/myapp"));
        assertThat(web2.changed()).anySatisfy(text -> assertThat(text).contains("installed package myapp 1.0-1, web-2 1.0-2"));
    }

    @Test
    void compare_honestHosts_differOnlyByTheDesignedBackupFile() {
        FleetDiffReport report = FleetDiff.compare(CANARY, PRODUCTION, Set.of(), DiffOptions.defaults());

        // deploy.sh keeps myapp.conf.bak on the canary only; the host's own by-host/HOSTNAME file is normalised away,
        // and so are the pids of the left-running server (4495 on the canary, 4995 on production)
        for (String host : List.of("web-1", "web-3")) {
            FleetDiffReport.HostRow row = report.hosts().stream().filter(r -> r.host().equals(host)).findFirst().orElseThrow();
            assertThat(row.differences()).extracting(d -> d.text())
                    .containsExactly("canary also created /etc/myapp/myapp.conf.bak (cp /etc/myapp/myapp.conf /etc/myapp/myapp.conf.bak)");
            assertThat(row.extra()).isEmpty();
        }
    }

    @Test
    void compare_sameRunOnTwoHosts_hasNoDeviation() {
        // web-1 and web-3 ran the same production deploy; only their host names (in a path) and times differ
        FleetDiffReport report = FleetDiff.compare(PRODUCTION.get("web-1"), Map.of("web-3", PRODUCTION.get("web-3")),
                Set.of(), DiffOptions.defaults());

        assertThat(report.hosts().getFirst().differences()).isEmpty();
        assertThat(report.deviating()).isEmpty();
    }

    @Test
    void compare_hostWithoutSession_isRankedFirstWithANote() {
        FleetDiffReport report = FleetDiff.compare(CANARY, PRODUCTION, Set.of("web-1", "web-9", "canary-1"), DiffOptions.defaults());

        assertThat(report.hosts()).extracting(FleetDiffReport.HostRow::host).containsExactly("web-9", "web-2", "web-1", "web-3");
        assertThat(report.hosts().getFirst().note()).isEqualTo("no matching session");
        assertThat(report.deviating()).startsWith("web-9", "web-2");
    }

    @Test
    void compare_canaryWithoutSummary_isRefusedWithAReason() {
        FleetRun bare = new FleetRun("canary-1", "s", "root", 0, List.of("deploy.sh"), Instant.EPOCH, null, "running", null);

        assertThatThrownBy(() -> FleetDiff.compare(bare, PRODUCTION, Set.of(), DiffOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no impact summary yet");
    }

    @Test
    void fields_listExtraMissingAndDetailPerHost() {
        Map<String, Object> json = FleetDiff.compare(CANARY, PRODUCTION, Set.of(), DiffOptions.defaults()).fields();

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> hosts = (List<Map<String, Object>>) json.get("hosts");
        assertThat(hosts.getFirst()).containsEntry("host", "web-2").containsKeys("session", "extra", "missing", "detail");
        assertThat((Integer) hosts.getFirst().get("deviations")).isGreaterThan((Integer) hosts.get(1).get("deviations"));
        assertThat(json.get("deviating")).isEqualTo(List.of("web-2", "web-1", "web-3"));
    }

    @Test
    void select_matchesCommandAndWindow_earliestPerHost() {
        Instant t = CANARY.started();
        List<FleetRun> candidates = List.of(
                run("web-1", "late", List.of("/opt/deploy.sh", "--env", "production"), t.plus(Duration.ofHours(7))),
                run("web-1", "second", List.of("examples/deploy.sh", "--env", "production"), t.plusSeconds(120)),
                run("web-1", "first", List.of("examples/deploy.sh", "--env", "production"), t.plusSeconds(60)),
                run("web-2", "other", List.of("apt-get", "upgrade"), t.plusSeconds(60)),
                run("web-3", "before", List.of("examples/deploy.sh"), t.minusSeconds(1)),
                run("db-1", "db", List.of("examples/deploy.sh"), t.plusSeconds(5)),
                run("canary-1", "again", List.of("examples/deploy.sh"), t.plusSeconds(5)));

        Map<String, FleetRun> chosen = new FleetMatch(FleetGlob.of("web-*"), null, FleetMatch.DEFAULT_WINDOW)
                .select(CANARY, candidates);

        assertThat(chosen).containsOnlyKeys("web-1");
        assertThat(chosen.get("web-1").id()).isEqualTo("first");
    }

    @Test
    void select_explicitCommandGlob_matchesWholeCommandLine() {
        Instant t = CANARY.started();
        List<FleetRun> candidates = List.of(run("web-2", "apt", List.of("/usr/bin/apt-get", "upgrade", "-y"), t.plusSeconds(1)));

        assertThat(new FleetMatch(FleetGlob.of("*"), FleetGlob.of("apt-get up*"), Duration.ofMinutes(5)).select(CANARY, candidates))
                .containsOnlyKeys("web-2");
        assertThat(new FleetMatch(FleetGlob.of("*"), FleetGlob.of("deploy.sh*"), Duration.ofMinutes(5)).select(CANARY, candidates))
                .isEmpty();
    }

    @Test
    void glob_emptyOrTooLong_isRefused() {
        assertThatThrownBy(() -> FleetGlob.of("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty glob");
        assertThatThrownBy(() -> FleetGlob.of("x".repeat(201))).isInstanceOf(IllegalArgumentException.class);
        assertThat(FleetGlob.of("web-?").matches("web-1")).isTrue();
        assertThat(FleetGlob.of("web.[1]").matches("web.[1]")).isTrue();
        assertThat(FleetGlob.of("web-?").matches("web-10")).isFalse();
    }

    private static FleetRun run(String host, String id, List<String> command, Instant started) {
        return new FleetRun(host, id, "root", 0, command, started, started.plusSeconds(5), "ended", CANARY.summary());
    }
}
