package io.changegraph.monitor;

import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.Ids;
import io.changegraph.repository.model.NetEvidence;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.TcpCounts;
import io.changegraph.repository.model.Verb;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.changegraph.monitor.Fixtures.event;
import static io.changegraph.monitor.Fixtures.file;
import static org.assertj.core.api.Assertions.assertThat;

/** Graph-context conditions: ancestors, earlier behaviours, counting windows, outcome. */
class RuleEngineTest {
    private final ProcessNode sshd = Fixtures.process(10, 1, "/usr/sbin/sshd", 0, "sshd");
    private final ProcessNode aliceShell = Fixtures.process(20, 10, "/usr/bin/bash", 1000, "bash", "-l");
    private final ProcessNode aliceSudo = Fixtures.process(21, 20, "/usr/bin/sudo", 0, "sudo", "rm", "/etc/x");
    private final ProcessNode aliceRm = Fixtures.process(22, 21, "/usr/bin/rm", 0, "rm", "/etc/x");
    private final ProcessNode bobShell = Fixtures.process(30, 10, "/usr/bin/bash", 1001, "bash", "-l");
    private final ProcessNode bobRm = Fixtures.process(31, 30, "/usr/bin/rm", 0, "rm", "/etc/x");
    private final SessionContext tree = new Fixtures.Tree("s", sshd, aliceShell, aliceSudo, aliceRm, bobShell, bobRm);

    private static RuleEngine engine(String yaml) throws RulesException {
        return new RuleEngine(RuleSet.parse("r.yaml", yaml, Map.<String, String>of()::get).rules());
    }

    private static int hits(RuleEngine engine, SessionContext context, Event... events) {
        int n = 0;
        for (Event e : events) {
            n += engine.evaluate(e, context).size();
        }
        return n;
    }

    @Test
    void ancestor_descendantOfShellRunByUser_matchesOnlyThatUsersTree() throws RulesException {
        RuleEngine engine = engine("""
                rules:
                  - id: alice-etc
                    severity: info
                    verbs: [unlink]
                    ancestor: {exe: ["**/bash"], uid: [1000]}
                """);
        assertThat(hits(engine, tree, event(aliceRm, Verb.UNLINK, file("/etc/x")))).isEqualTo(1);
        assertThat(hits(engine, tree, event(bobRm, Verb.UNLINK, file("/etc/x")))).isZero();
    }

    @Test
    void hit_carriesAncestryChainAndObject() throws RulesException {
        RuleEngine engine = engine("rules: [{id: a, severity: info, verbs: [unlink]}]");
        Hit hit = engine.evaluate(event(aliceRm, Verb.UNLINK, file("/etc/x")), tree).getFirst();
        assertThat(hit.chain()).isEqualTo("sshd[10] > bash[20] > sudo[21] > rm[22]");
        assertThat(hit.commandLine()).isEqualTo("rm /etc/x");
        assertThat(hit.object()).isEqualTo("/etc/x");
        assertThat(hit.alert().edgeTarget()).isEqualTo(Ids.file("/etc/x", 0));
    }

    @Test
    void after_sameProcess_requiresTheEarlierBehaviourInThatProcess() throws RulesException {
        String rules = """
                rules:
                  - id: read-then-write
                    severity: info
                    verbs: [write]
                    after: {verbs: [read], object: {path: /etc/shadow}, same_process: true, within_seconds: 5}
                """;
        Event read = event(0, aliceRm, Verb.READ, file("/etc/shadow"), null);
        assertThat(hits(engine(rules), tree, read, event(1, aliceRm, Verb.WRITE, file("/tmp/out"), null))).isEqualTo(1);
        assertThat(hits(engine(rules), tree, read, event(1, bobRm, Verb.WRITE, file("/tmp/out"), null))).isZero();
        assertThat(hits(engine(rules), tree, read, event(6, aliceRm, Verb.WRITE, file("/tmp/out"), null))).isZero();
    }

    @Test
    void after_statePerSession_doesNotLeakAcrossSessions() throws RulesException {
        RuleEngine engine = engine("""
                rules:
                  - id: w-then-x
                    severity: info
                    verbs: [exec]
                    after: {verbs: [write], same_object: true}
                """);
        engine.evaluate(event(0, aliceRm, Verb.WRITE, file("/tmp/x"), null), tree);
        SessionContext other = new Fixtures.Tree("other", sshd, bobShell, bobRm);
        assertThat(hits(engine, other, event(1, bobRm, Verb.EXEC, file("/tmp/x"), null))).isZero();
        assertThat(hits(engine, tree, event(1, aliceRm, Verb.EXEC, file("/tmp/x"), null))).isEqualTo(1);
    }

    @Test
    void threshold_perProcess_countsEachProcessSeparately_andFiresOncePerCrossing() throws RulesException {
        RuleEngine engine = engine("""
                rules:
                  - id: many
                    severity: info
                    verbs: [unlink]
                    threshold: {more_than: 3, window_seconds: 10, per: process}
                """);
        int hits = 0;
        for (int i = 0; i < 4; i++) {
            hits += hits(engine, tree, event(i, aliceRm, Verb.UNLINK, file("/a" + i), null),
                    event(i, bobRm, Verb.UNLINK, file("/b" + i), null));
        }
        assertThat(hits).as("each process crossed once").isEqualTo(2);
        assertThat(hits(engine, tree, event(5, aliceRm, Verb.UNLINK, file("/a5"), null))).isZero();
        List<Hit> crossing = List.of();
        for (int i = 6; crossing.isEmpty(); i++) {
            crossing = engine.evaluate(event(i, aliceRm, Verb.UNLINK, file("/a" + i), null), tree);
        }
        assertThat(crossing.getFirst().alert().node()).as("a count annotates the process").isEqualTo(aliceRm.id());
        assertThat(crossing.getFirst().alert().edgeTarget()).isNull();
    }

    @Test
    void outcome_failedOnly_matchesRefusedAttempts() throws RulesException {
        RuleEngine engine = engine("rules: [{id: refused, severity: info, verbs: [unlink], outcome: failed}]");
        Event refused = Event.once(Fixtures.T0, bobRm, Verb.UNLINK, file("/etc/x"), true, null);
        assertThat(hits(engine, tree, refused)).isEqualTo(1);
        assertThat(hits(engine, tree, event(bobRm, Verb.UNLINK, file("/etc/x")))).isZero();
    }

    private static Event evidence(ProcessNode subject, RemoteNode remote, TcpCounts tcp, String... names) {
        return Event.evidence(Fixtures.T0, subject, remote, tcp != null && tcp.failedConnects(),
                new NetEvidence(tcp, null, null, List.of(names)));
    }

    private static TcpCounts refusedOnce() {
        return new TcpCounts(0, 0, 0, 0, 0, 1, 0, 0, 0);
    }

    @Test
    void remoteName_matchesNamesOfTheNodeOrOfTheEvidence_andNothingElse() throws RulesException {
        RuleEngine engine = engine("""
                rules:
                  - id: internal
                    severity: info
                    verbs: [connect, unlink]
                    object: {remote_name: ["*.internal"]}
                """);
        RemoteNode bare = Fixtures.ipv4("10.1.2.3", 443);
        assertThat(hits(engine, tree, evidence(bobRm, bare, null, "api.internal"))).isEqualTo(1);
        assertThat(hits(engine, tree, event(bobRm, Verb.CONNECT, bare.withNames(List.of("db.internal"))))).isEqualTo(1);
        assertThat(hits(engine, tree, event(bobRm, Verb.CONNECT, bare))).isZero();
        assertThat(hits(engine, tree, evidence(bobRm, bare, null, "example.com"))).isZero();
        assertThat(hits(engine, tree, event(bobRm, Verb.UNLINK, file("/srv/x.internal")))).isZero();
    }

    @Test
    void tcpOutcome_holdsWhenItsCounterIsAboveZero_onEvidenceOnly() throws RulesException {
        RuleEngine engine = engine("""
                rules:
                  - id: api-down
                    severity: warning
                    verbs: [connect]
                    object: {remote_name: [api.internal], outcome: [refused, timed_out]}
                """);
        RemoteNode api = Fixtures.ipv4("10.1.2.3", 443);
        List<Hit> refused = engine.evaluate(evidence(bobRm, api, refusedOnce(), "api.internal"), tree);
        assertThat(refused).singleElement().satisfies(hit -> assertThat(hit.object()).contains("10.1.2.3"));
        TcpCounts timedOut = new TcpCounts(0, 3, 0, 0, 0, 0, 1, 0, 0);
        assertThat(hits(engine, tree, evidence(bobRm, api, timedOut, "api.internal"))).isEqualTo(1);
        TcpCounts fine = new TcpCounts(1, 0, 0, 0, 0, 0, 0, 10, 20);
        assertThat(hits(engine, tree, evidence(bobRm, api, fine, "api.internal"))).isZero();
        assertThat(hits(engine, tree, evidence(bobRm, api, refusedOnce(), "web.example"))).isZero();
        assertThat(hits(engine, tree, event(bobRm, Verb.CONNECT, api.withNames(List.of("api.internal"))))).isZero();
    }

    @Test
    void tcpOutcome_eachNameReadsItsOwnCounter() throws RulesException {
        String[] outcomes = {"refused", "timed_out", "reset_received", "reset_sent", "syn_retransmit"};
        TcpCounts[] counts = {refusedOnce(), new TcpCounts(0, 0, 0, 0, 0, 0, 1, 0, 0),
                new TcpCounts(1, 0, 0, 1, 0, 0, 0, 0, 0), new TcpCounts(1, 0, 0, 0, 1, 0, 0, 0, 0),
                new TcpCounts(0, 2, 0, 0, 0, 0, 0, 0, 0)};
        RemoteNode api = Fixtures.ipv4("10.1.2.3", 443);
        for (int rule = 0; rule < outcomes.length; rule++) {
            RuleEngine engine = engine("rules: [{id: o, severity: info, verbs: [connect], object: {outcome: ["
                    + outcomes[rule] + "]}}]");
            for (int event = 0; event < counts.length; event++) {
                assertThat(hits(engine, tree, evidence(bobRm, api, counts[event])))
                        .as(outcomes[rule] + " on " + counts[event]).isEqualTo(rule == event ? 1 : 0);
            }
        }
    }

    @Test
    void context_throwing_isTreatedAsNoAncestry() throws RulesException {
        RuleEngine engine = engine("rules: [{id: a, severity: info, verbs: [unlink], not_ancestor: {exe: /usr/bin/dpkg}}]");
        SessionContext broken = SessionContext.of("s", p -> {
            throw new IllegalStateException("graph gone");
        });
        assertThat(hits(engine, broken, event(bobRm, Verb.UNLINK, file("/etc/x")))).isEqualTo(1);
    }
}
