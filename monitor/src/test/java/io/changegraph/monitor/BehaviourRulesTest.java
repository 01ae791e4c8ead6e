package io.changegraph.monitor;

import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Ids;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.model.Summary;
import io.changegraph.repository.model.SummaryBehaviour;
import io.changegraph.repository.model.Verb;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Rules on summary behaviours: parsed, evaluated offline on a document's summary and live as it grows. */
class BehaviourRulesTest {
    private static final Instant T = Fixtures.T0;
    private static final String RULES = """
            rules:
              - id: package-not-ours
                severity: warning
                description: A package other than ours was installed
                behaviour: [package.install, package.upgrade]
                subject: ["*"]
                exceptions:
                  - subject: ["myapp*"]
              - id: module-load
                severity: critical
                behaviour: module.load
            """;

    private final ProcessNode shell = Fixtures.process(100, 1, "/usr/bin/bash", 0, "bash");
    private final ProcessNode dpkg = Fixtures.process(101, 100, "/usr/bin/dpkg", 0, "dpkg", "-i", "x.deb");
    private final FileNode binary = new FileNode(Ids.file("/usr/bin/hello", 0), "/usr/bin/hello",
            List.of("/usr/bin/hello"), 0, true, false);
    private final Edge install = new Edge(dpkg.id(), binary.id(), Verb.CREATE, 1, 0, 0, T.plusSeconds(3),
            T.plusSeconds(3), List.of());

    private static RuleSet rules() throws RulesException {
        return RuleSet.parse("r.yaml", RULES, Map.<String, String>of()::get);
    }

    private static SummaryBehaviour behaviour(String kind, String subject, String... evidence) {
        return new SummaryBehaviour(kind, subject, "", List.of(), List.of(evidence));
    }

    private GraphDocument document(SummaryBehaviour... behaviours) {
        SummaryBehaviour[] withProcess = new SummaryBehaviour[behaviours.length];
        for (int i = 0; i < behaviours.length; i++) {
            SummaryBehaviour b = behaviours[i];
            withProcess[i] = new SummaryBehaviour(b.kind(), b.subject(), "2.10-3", List.of(dpkg.id()), b.evidence());
        }
        return new GraphDocument(new Session("s1", "web01", "alice", 100, List.of("bash"), T, null), Stats.EMPTY,
                List.of(shell, dpkg, binary), List.of(install), List.of())
                .withSummary(new Summary(List.of(withProcess), List.of(), List.of(), List.of(), Map.of()));
    }

    @Test
    void evaluate_packageInstallOfAnotherPackage_alertsItsProcessAtItsEvidenceTime() throws RulesException {
        List<Alert> alerts = Monitor.evaluate(rules(), document(behaviour("package.install", "hello", install.key()),
                behaviour("package.install", "myapp", install.key())));
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.ruleId()).isEqualTo("package-not-ours");
            assertThat(a.severity()).isEqualTo("warning");
            assertThat(a.node()).isEqualTo(dpkg.id());
            assertThat(a.time()).isEqualTo(T.plusSeconds(3));
            assertThat(a.description()).isEqualTo("A package other than ours was installed: package.install hello"
                    + " (2.10-3)");
        });
    }

    @Test
    void evaluate_kindNotWatched_noAlert() throws RulesException {
        assertThat(Monitor.evaluate(rules(), document(behaviour("user.add", "hello")))).isEmpty();
    }

    @Test
    void onSummary_growingSummary_alertsEachBehaviourOnceWhenItAppears() throws Exception {
        try (Monitor monitor = Monitor.start(rules(), MonitorConfig.defaults())) {
            SessionContext context = new Fixtures.Tree("s1", shell, dpkg);
            GraphDocument first = document(behaviour("package.install", "hello"));
            GraphDocument second = document(behaviour("package.install", "hello"), behaviour("module.load", "dummy"));
            assertThat(monitor.onSummary(first, context)).extracting(Alert::ruleId).containsExactly("package-not-ours");
            assertThat(monitor.onSummary(first, context)).isEmpty();
            assertThat(monitor.onSummary(second, context)).extracting(Alert::ruleId).containsExactly("module-load");
        }
    }

    @Test
    void onSummary_detailGrows_stillOneAlert_andAnAlertTheDocumentCarriesIsNotRaisedAgain() throws Exception {
        try (Monitor monitor = Monitor.start(rules(), MonitorConfig.defaults())) {
            SessionContext context = new Fixtures.Tree("s1", shell, dpkg);
            GraphDocument early = document(behaviour("package.install", "hello"));
            List<Alert> first = monitor.onSummary(early, context);
            assertThat(first).hasSize(1);
            SummaryBehaviour grown = new SummaryBehaviour("package.install", "hello", "2.10-3: 9 files",
                    List.of(dpkg.id()), List.of());
            GraphDocument later = document().withSummary(new Summary(List.of(grown), List.of(), List.of(), List.of(),
                    Map.of()));
            assertThat(monitor.onSummary(later, context)).isEmpty();

            // a resumed session: a fresh monitor, but the document already carries the alert
            try (Monitor resumed = Monitor.start(rules(), MonitorConfig.defaults())) {
                GraphDocument carried = new GraphDocument(early.session(), early.stats(), early.nodes(), early.edges(),
                        first, early.summary());
                assertThat(resumed.onSummary(carried, context)).isEmpty();
            }
        }
    }

    @Test
    void shippedRules_packageChange_isInfoOnAnyPackage() throws RulesException {
        List<Alert> alerts = Monitor.evaluate(RuleSet.load(Fixtures.shippedRules()),
                document(behaviour("package.install", "myapp", install.key())));
        assertThat(alerts).extracting(Alert::ruleId, Alert::severity).containsExactly(
                org.assertj.core.groups.Tuple.tuple("package-change", "info"));
    }

    @Test
    void parse_behaviourRuleWithVerbsOrUnknownKind_isRejectedWithAHint() {
        RulesException e = org.assertj.core.api.Assertions.catchThrowableOfType(RulesException.class,
                () -> RuleSet.parse("r.yaml", """
                        rules:
                          - id: x
                            severity: info
                            behaviour: [package.instal]
                            verbs: [exec]
                        """, Map.<String, String>of()::get));
        assertThat(e.problems()).hasSize(2);
        assertThat(e.problems().get(1)).isEqualTo(
                "r.yaml:5:5: 'verbs' does not apply to a behaviour rule (rule 'x'); a behaviour rule has: id, severity,"
                        + " description, behaviour, subject, exceptions, recipients; watch events with a separate rule");
        assertThat(e.problems().get(0)).startsWith("r.yaml:4:17: 'package.instal' is not allowed for 'behaviour' in"
                + " rule 'x'; allowed: package.install,");
    }
}
