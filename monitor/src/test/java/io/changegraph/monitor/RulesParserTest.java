package io.changegraph.monitor;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RulesParserTest {

    private static List<String> problems(String yaml) {
        RulesException e = catchThrowableOfType(RulesException.class,
                () -> RuleSet.parse("r.yaml", yaml, Map.<String, String>of()::get));
        assertThat(e).as("expected the rules to be rejected").isNotNull();
        return e.problems();
    }

    @Test
    void load_shippedRules_printsSummary() throws RulesException {
        RuleSet rules = RuleSet.load(Fixtures.shippedRules());
        assertThat(rules.summary()).matches(".*rules.yaml: 21 rules OK \\(\\d+ critical, \\d+ warning, 2 info\\);"
                + " mail: off; webhook: off; groups: oncall, security");
        assertThat(rules.config().window().toSeconds()).isEqualTo(10);
        assertThat(rules.config().severityRecipients().get("critical"))
                .containsExactly("oncall@example.com", "security@example.com");
    }

    @Test
    void shipped_embeddedInTheJar_isTheRepositoryFile() throws Exception {
        assertThat(RuleSet.shipped().ids()).isEqualTo(RuleSet.load(Fixtures.shippedRules()).ids());
        assertThat(RuleSet.shipped().summary()).startsWith(RuleSet.SHIPPED_NAME + ": 21 rules OK");
    }

    @Test
    void parse_uidRanges_matchInclusive() throws RulesException {
        RuleSet rules = RuleSet.parse("r.yaml", """
                rules:
                  - id: humans
                    severity: info
                    verbs: [unlink]
                    subject: {uid: [1000-65000, 0], euid: "5 - 7"}
                """, Map.<String, String>of()::get);
        ProcessMatcher subject = rules.rules().getFirst().match().subject();
        assertThat(subject.uid()).containsExactly(new ProcessMatcher.IdRange(1000, 65000), new ProcessMatcher.IdRange(0, 0));
        assertThat(subject.matches(Fixtures.process(10, 1, "/bin/rm", 1000, "rm"))).isFalse();   // euid 1000 not 5-7
        RuleSet uidOnly = RuleSet.parse("r.yaml", """
                rules:
                  - id: humans
                    severity: info
                    verbs: [unlink]
                    subject: {uid: [1000-65000]}
                """, Map.<String, String>of()::get);
        ProcessMatcher humans = uidOnly.rules().getFirst().match().subject();
        assertThat(humans.matches(Fixtures.process(10, 1, "/bin/rm", 1000, "rm"))).isTrue();
        assertThat(humans.matches(Fixtures.process(10, 1, "/bin/rm", 65000, "rm"))).isTrue();
        assertThat(humans.matches(Fixtures.process(10, 1, "/bin/rm", 999, "rm"))).isFalse();
        assertThat(humans.matches(Fixtures.process(10, 1, "/bin/rm", 65001, "rm"))).isFalse();
    }

    @Test
    void parse_badUidRange_isLocatedWithAnExample() {
        assertThat(problems("""
                rules:
                  - id: humans
                    severity: info
                    verbs: [unlink]
                    subject: {uid: [65000-1000, bob]}
                """)).containsExactly(
                "r.yaml:5:21: bad id '65000-1000' for 'uid' in 'subject' of rule 'humans'; write a number such as 0 or"
                        + " an ascending range such as 1000-65000",
                "r.yaml:5:33: bad id 'bob' for 'uid' in 'subject' of rule 'humans'; write a number such as 0 or an"
                        + " ascending range such as 1000-65000");
    }

    @Test
    void parse_alertsSection_separateLimitsDrainAndViewerUrl() throws RulesException {
        RuleSet rules = RuleSet.parse("r.yaml", """
                alerts:
                  max_messages_per_minute: 7
                  max_webhooks_per_minute: 30
                  drain_seconds: 3
                  viewer_url: http://cg.example.com:7070/
                rules: []
                """, Map.<String, String>of()::get);
        assertThat(rules.config().mailsPerMinute()).isEqualTo(7);
        assertThat(rules.config().webhooksPerMinute()).isEqualTo(30);
        assertThat(rules.config().drain()).hasSeconds(3);
        assertThat(rules.config().viewerUrl()).isEqualTo("http://cg.example.com:7070");
        assertThat(problems("""
                alerts: {viewer_url: "cg.example.com"}
                rules: []
                """)).singleElement().asString().startsWith("r.yaml:1:22: 'cg.example.com' is not an http(s) address");
    }

    @Test
    void parse_unknownKey_isLocatedWithKnownKeys() {
        assertThat(problems("""
                rules:
                  - id: etc-delete
                    severity: critical
                    verbz: [unlink]
                """)).contains("r.yaml:4:5: unknown key 'verbz' in rule 'etc-delete'; known keys: id, severity,"
                + " description, verbs, outcome, subject, object, ancestor, not_ancestor, after, threshold,"
                + " exceptions, recipients, behaviour", "r.yaml:2:5: missing 'verbs' in rule 'etc-delete'; list the verbs the"
                + " rule watches, e.g. [unlink]");
    }

    @Test
    void parse_badGlobRegexCidrPortVerb_eachLocated() {
        List<String> problems = problems("""
                rules:
                  - id: x
                    severity: warning
                    verbs: [unlink, explode]
                    subject: {argv: '(unclosed'}
                    object:
                      path: ["/etc/[abc"]
                      address: [10.0.0.0/33, 300.1.1.1]
                      port: ["80-20", http]
                """);
        assertThat(problems).hasSize(7);
        assertThat(problems.get(0)).startsWith("r.yaml:4:21: unknown verb 'explode'").contains("known verbs: spawn,");
        assertThat(problems.get(1)).startsWith("r.yaml:5:21: bad regex '(unclosed'");
        assertThat(problems.get(2)).startsWith("r.yaml:7:14: bad glob '/etc/[abc'");
        assertThat(problems.get(3)).startsWith("r.yaml:8:17: bad CIDR '10.0.0.0/33'").contains("longer than 32");
        assertThat(problems.get(4)).startsWith("r.yaml:8:30: bad CIDR '300.1.1.1'");
        assertThat(problems.get(5)).startsWith("r.yaml:9:14: bad port '80-20'").contains("ascending range");
        assertThat(problems.get(6)).startsWith("r.yaml:9:23: bad port 'http'");
    }

    @Test
    void parse_unknownTcpOutcomeAndBadRemoteName_areLocated() {
        List<String> problems = problems("""
                rules:
                  - id: x
                    severity: warning
                    verbs: [connect]
                    object: {remote_name: ["api.[internal"], outcome: [refused, dropped]}
                """);
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith("r.yaml:5:28: bad glob 'api.[internal'");
        assertThat(problems.get(1)).isEqualTo("r.yaml:5:65: 'dropped' is not allowed for 'outcome' in 'object' of"
                + " rule 'x'; allowed: refused, timed_out, reset_received, reset_sent, syn_retransmit");
    }

    @Test
    void parse_typeErrors_sayWhatIsAllowed() {
        List<String> problems = problems("""
                rules:
                  - id: x
                    severity: high
                    verbs: unlink
                    threshold: {more_than: many, window_seconds: -1}
                    after: {verbs: [write], same_object: yes please}
                """);
        assertThat(problems).anySatisfy(p -> assertThat(p)
                .isEqualTo("r.yaml:3:15: 'severity' in rule 'x' must be one of info, warning, critical, not 'high'"));
        assertThat(problems).anySatisfy(p -> assertThat(p).isEqualTo("r.yaml:5:28: 'more_than' in 'threshold' of"
                + " rule 'x' must be a whole number from 0 to 1000000000, not 'many'"));
        assertThat(problems).anySatisfy(p -> assertThat(p)
                .startsWith("r.yaml:5:50: 'window_seconds' in 'threshold' of rule 'x'").contains("number of seconds"));
        assertThat(problems).anySatisfy(p -> assertThat(p)
                .startsWith("r.yaml:6:42: 'same_object' in 'after' of rule 'x'").contains("true or false"));
    }

    @Test
    void parse_syntaxError_isLocated() {
        assertThat(problems("rules:\n  - id: x\n   severity: [oops\n")).singleElement()
                .satisfies(p -> assertThat(p).matches("r\\.yaml:\\d+:\\d+: YAML syntax error: .*"));
    }

    @Test
    void parse_deepNesting_isLocatedNotACrash() {
        String deep = "rules: " + "[".repeat(5000) + "]".repeat(5000) + "\n";
        assertThat(problems(deep)).isNotEmpty().allSatisfy(p -> assertThat(p).matches("r\\.yaml:\\d+:\\d+: .*"));
    }

    @Test
    void parse_unknownGroupAndBadAddress_areLocated() {
        List<String> problems = problems("""
                alerts:
                  groups: {ops: [ops@example.com, not-an-address@]}
                rules:
                  - id: x
                    severity: info
                    verbs: [unlink]
                    recipients: [ops, dba]
                """);
        assertThat(problems).containsExactly(
                "r.yaml:2:35: bad mail address 'not-an-address@' for group 'ops' in 'alerts.groups'; write name@example.com",
                "r.yaml:7:23: unknown recipient group 'dba' for 'recipients' in rule 'x'; known groups: ops;"
                        + " or write a mail address");
    }

    @Test
    void parse_duplicateIdsAndKeys_areLocated() {
        List<String> problems = problems("""
                rules:
                  - {id: a, severity: info, verbs: [unlink]}
                  - {id: a, severity: info, verbs: [unlink], verbs: [read]}
                """);
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("r.yaml:3:46: duplicate key 'verbs'"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("r.yaml:3:5: duplicate rule id 'a'")
                .contains("first used at r.yaml:2:5"));
    }

    @Test
    void parse_smtpPasswordFromEnvironment_isNotPrinted() throws RulesException {
        RuleSet rules = RuleSet.parse("r.yaml", """
                alerts:
                  smtp: {host: mail.example.com, username: cg, password_env: CG_PW, from: cg@example.com}
                rules: []
                """, Map.of("CG_PW", "s3cret")::get);
        assertThat(rules.config().smtp().password()).isEqualTo("s3cret");
        assertThat(rules.config().smtp().port()).isEqualTo(587);
        assertThat(rules.config().toString()).doesNotContain("s3cret");
        assertThat(rules.summary()).endsWith("0 rules OK (0 critical, 0 warning, 0 info); mail: mail.example.com:587"
                + " starttls; webhook: off; groups: none");
    }

    @Test
    void load_missingFile_isOneLocatedLine() {
        assertThatThrownBy(() -> RuleSet.load(java.nio.file.Path.of("/nonexistent/rules.yaml")))
                .isInstanceOf(RulesException.class)
                .hasMessage("/nonexistent/rules.yaml:1:1: cannot read the file (NoSuchFileException); check the path"
                        + " and permissions");
    }
}
