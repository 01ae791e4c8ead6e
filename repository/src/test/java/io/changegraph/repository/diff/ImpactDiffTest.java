package io.changegraph.repository.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileEffect;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.LeftRunning;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteUse;
import io.changegraph.repository.model.Summary;
import io.changegraph.repository.model.SummaryBehaviour;
import io.changegraph.repository.model.Verb;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the runs changed differently, from their summaries (hand-made here, as the impact module would give them for
 * the simulated deploy runs): in change terms first, edge-level detail on request.
 */
class ImpactDiffTest {
    private static final DiffOptions DEFAULTS = DiffOptions.defaults();

    private static SummaryBehaviour behaviour(String kind, String subject, String detail) {
        return new SummaryBehaviour(kind, subject, detail, List.of(), List.of("evidence-" + subject));
    }

    private static FileEffect file(String path, String effect, String mode) {
        return new FileEffect(path, effect, null, mode, null, "p-1", "cmd", 0, List.of("f-" + path));
    }

    private static Summary summary(List<SummaryBehaviour> behaviours, List<FileEffect> files) {
        return new Summary(behaviours, files, List.of(), List.of(), Map.of());
    }

    private static DiffReport diff(DeployRun canaryRun, Summary canary, DeployRun productionRun, Summary production) {
        return GraphDiff.compare(canaryRun.record().withSummary(canary), productionRun.record().withSummary(production), DEFAULTS);
    }

    private static final Summary ROUTINE = summary(
            List.of(behaviour("package.install", "myapp", "1.0-1: 3 files, 1 directory; triggers: man-db"),
                    behaviour("user.add", "myapp", "useradd --system myapp")),
            List.of(file("/etc/myapp/myapp.conf", "created", "0640"), file("/etc/myapp/myapp.conf.bak", "created", null)));

    @Test
    void impact_sameChanges_isEmpty_andTheReportSaysNoDifferences() {
        DiffReport report = diff(new DeployRun(), ROUTINE, DeployRun.otherHonestRun(), ROUTINE);

        assertThat(report.impact()).isEmpty();
        assertThat(report.hasDifferences()).isFalse();
        assertThat(report.text()).contains("no differences");
    }

    @Test
    void impact_otherPackageVersion_readsCanaryInstalledOneProductionTheOther() {
        Summary production = summary(
                List.of(behaviour("package.install", "myapp", "1.0-2: 3 files, 1 directory; triggers: man-db"),
                        behaviour("user.add", "myapp", "useradd --system myapp")),
                ROUTINE.files());

        DiffReport report = diff(new DeployRun(), ROUTINE, DeployRun.otherHonestRun(), production);

        assertThat(report.impact()).singleElement().satisfies(change -> {
            assertThat(change.text()).isEqualTo("canary installed package myapp 1.0-1, production 1.0-2");
            assertThat(change.status()).isEqualTo(DiffStatus.CHANGED);
            assertThat(change.area()).isEqualTo("behaviour");
            assertThat(change.kind()).isEqualTo("package.install");
            assertThat(change.evidence()).containsExactly("evidence-myapp");
        });
        assertThat(report.hasDifferences()).isTrue();
        assertThat(report.text()).contains("what they changed: 1 difference\n  ~ canary installed package myapp 1.0-1, production 1.0-2\n",
                "edge level: 0 differences");
    }

    @Test
    void impact_fileMadeAndDeletedInProduction_readsProductionAlsoDeletedIt() {
        DeployRun productionRun = DeployRun.otherHonestRun();
        productionRun.extras.add(script -> {
            ProcessNode rm = script.spawn(30, "/usr/bin/rm", "rm", "-f", "/etc/myapp/myapp.conf.bak");
            script.graph().apply(Event.once(script.run().at(30), rm, Verb.UNLINK, FileRef.of("/etc/myapp/myapp.conf.bak"), false, null));
        });
        Summary production = summary(ROUTINE.behaviours(), List.of(file("/etc/myapp/myapp.conf", "created", "0640")));

        DiffReport report = diff(new DeployRun(), ROUTINE, productionRun, production);

        assertThat(report.impact()).singleElement().satisfies(change -> {
            assertThat(change.text()).isEqualTo("production also deleted /etc/myapp/myapp.conf.bak (rm -f /etc/myapp/myapp.conf.bak)");
            assertThat(change.status()).isEqualTo(DiffStatus.ONLY_PRODUCTION);
            assertThat(change.kind()).isEqualTo("deleted");
            assertThat(change.canary()).isEqualTo("created");
            assertThat(change.evidence()).anyMatch(key -> key.contains("|unlink|"));
        });
        assertThat(report.text()).contains("  + production also deleted /etc/myapp/myapp.conf.bak",
                "edge level: 1 difference: 0 only in canary, 1 only in production, 0 changed (--detail lists them)\n");
        assertThat(report.text()).doesNotContain("spawn");
        assertThat(report.text(true)).contains("  + spawn         rm -f /etc/myapp/myapp.conf.bak");
    }

    @Test
    void impact_fileOnOneSideNobodyDeleted_readsSideAlsoCreatedIt() {
        Summary production = summary(ROUTINE.behaviours(),
                List.of(file("/etc/myapp/myapp.conf", "created", "0600"), file("/etc/myapp/myapp.conf.bak", "created", null),
                        file("/etc/cron.d/myapp", "created", "0644")));

        DiffReport report = diff(new DeployRun(), ROUTINE, DeployRun.otherHonestRun(), production);

        assertThat(report.impact()).extracting(ImpactDifference::status, ImpactDifference::text).containsExactly(
                tuple(DiffStatus.ONLY_PRODUCTION, "production also created /etc/cron.d/myapp 0644 (cmd)"),
                tuple(DiffStatus.CHANGED, "/etc/myapp/myapp.conf: canary created 0640, production created 0600"));
    }

    @Test
    void impact_ignoredPaths_areLeftOutOfTheFileEffectsToo() {
        Summary production = summary(ROUTINE.behaviours(), List.of(file("/etc/myapp/myapp.conf", "created", "0640"),
                file("/etc/myapp/myapp.conf.bak", "created", null), file("/var/log/myapp-deploy.log", "created", null)));

        DiffReport report = GraphDiff.compare(new DeployRun().record().withSummary(ROUTINE),
                DeployRun.otherHonestRun().record().withSummary(production), DEFAULTS.withIgnorePaths(List.of("/var/log/**")));

        assertThat(report.impact()).isEmpty();
    }

    @Test
    void impact_behaviourOnOneSide_andAListenerOnAnotherPort_readInChangeTerms() {
        Summary canary = summary(List.of(behaviour("network.listen", "127.0.0.1:18080", "python3 (pid 1031), accepted 1 connection"),
                behaviour("user.add", "myapp", "useradd --system myapp")), List.of());
        Summary production = summary(List.of(behaviour("network.listen", "127.0.0.1:18081", "python3 (pid 52342), accepted 3 connections"),
                behaviour("user.add", "myapp", "useradd --system myapp"), behaviour("service.restart", "nginx.service", "")),
                List.of());

        DiffReport report = diff(new DeployRun(), canary, DeployRun.otherHonestRun(), production);

        assertThat(report.impact()).extracting(ImpactDifference::text).containsExactly(
                "canary listened on 127.0.0.1:18080, production 127.0.0.1:18081",
                "production also restarted service nginx.service");
    }

    @Test
    void impact_daemonLeftRunningOnAnotherPort_isOneChange_anExtraRemoteIsOneSided() {
        Summary canary = new Summary(List.of(), List.of(), List.of(new RemoteUse("r-1", "10.0.0.7:443", 1, 0, List.of())),
                List.of(new LeftRunning("p-1", 1031, "python3 -m http.server 18080")), Map.of());
        Summary production = new Summary(List.of(), List.of(),
                List.of(new RemoteUse("r-1", "10.0.0.7:443", 1, 0, List.of()), new RemoteUse("r-2", "10.0.0.8:443", 2, 0, List.of()),
                        new RemoteUse("r-3", "10.0.0.9:443", 1, 0, List.of())),
                List.of(new LeftRunning("p-2", 52342, "python3 -m http.server 18081")), Map.of());

        DiffReport report = diff(new DeployRun(), canary, DeployRun.otherHonestRun(), production);

        assertThat(report.impact()).extracting(ImpactDifference::text).containsExactly(
                "production also talked to 10.0.0.8:443", "production also talked to 10.0.0.9:443",
                "canary left running python3 -m http.server 18080, production python3 -m http.server 18081");
    }

    @Test
    void impact_countsAndPidsInAListenersDetail_areNoDifference() {
        Summary canary = summary(List.of(behaviour("network.listen", "127.0.0.1:18080", "python3 (pid 1031), accepted 1 connection"),
                behaviour("daemon.left_running", "python3 http.server", "pid 1031: python3 -m http.server")), List.of());
        Summary production = summary(List.of(behaviour("network.listen", "127.0.0.1:18080", "python3 (pid 52342), accepted 2 connections"),
                behaviour("daemon.left_running", "python3 http.server", "pid 52342: python3 -m http.server")), List.of());

        assertThat(diff(new DeployRun(), canary, DeployRun.otherHonestRun(), production).impact()).isEmpty();
    }

    @Test
    void impact_rootCommandWithAnotherArgument_isItsFirstDifference() {
        DeployRun canaryRun = new DeployRun();
        canaryRun.rootArgv = List.of("bash", "deploy.sh", "--env", "canary");
        DeployRun productionRun = DeployRun.otherHonestRun();
        productionRun.rootArgv = List.of("bash", "deploy.sh", "--env", "production");

        DiffReport report = diff(canaryRun, ROUTINE, productionRun, ROUTINE);

        assertThat(report.impact()).singleElement().satisfies(change -> {
            assertThat(change.area()).isEqualTo("command");
            assertThat(change.text()).isEqualTo(
                    "the command differs: canary ran bash deploy.sh --env canary, production bash deploy.sh --env production");
        });
    }

    @Test
    void json_keepsTheEdgeLevelFieldsAndAddsImpact_nullWithoutSummaries() throws Exception {
        Summary production = summary(ROUTINE.behaviours(), List.of(file("/etc/myapp/myapp.conf", "created", "0640")));
        ObjectMapper mapper = new ObjectMapper();

        JsonNode with = mapper.readTree(diff(new DeployRun(), ROUTINE, DeployRun.otherHonestRun(), production).json());
        JsonNode without = mapper.readTree(GraphDiff.compare(new DeployRun().record(), DeployRun.otherHonestRun().record(),
                DEFAULTS).json());

        assertThat(with.fieldNames()).toIterable().containsExactly("canary", "differences", "equal", "impact", "options",
                "production", "schema", "summary");
        assertThat(with.get("equal").asBoolean()).as("equal means no difference at all, as exit 0").isFalse();
        JsonNode change = with.get("impact").get("differences").get(0);
        assertThat(change.fieldNames()).toIterable().containsExactly("area", "canary", "evidence", "kind", "production",
                "status", "subject", "text");
        assertThat(change.get("text").asText()).isEqualTo("canary also created /etc/myapp/myapp.conf.bak (cmd)");
        assertThat(with.get("impact").get("summary").get("only_canary").asInt()).isEqualTo(1);
        assertThat(without.get("impact").isNull()).isTrue();
        assertThat(with.get("options").get("session_pids").asBoolean()).isTrue();
    }
}
