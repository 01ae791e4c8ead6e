package io.changegraph.repository.model;

import static io.changegraph.repository.model.Fixtures.at;
import static io.changegraph.repository.model.Fixtures.process;
import static io.changegraph.repository.model.Fixtures.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.store.EventJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Network evidence: counted on connect edges, names on remote nodes, through JSON and the journal unchanged. */
class NetEvidenceTest {
    private final ProcessNode curl = process(200, 1, "/usr/bin/curl", "curl", "http://api.internal/");
    private final RemoteNode api = new RemoteNode("ipv4", "10.1.2.3", 80);

    private List<Event> events() {
        return List.of(
                new Event(at(1), curl, Verb.CONNECT, api, 1, 0, 0, null, NetEvidence.ofNames(List.of("api.internal"))),
                Event.evidence(at(2), curl, api, false, new NetEvidence(null, new HttpRequest("GET", "api.internal", "/"),
                        null, List.of("api.internal"))),
                Event.evidence(at(3), curl, api, false, NetEvidence.ofTcp(new TcpCounts(1, 0, 2, 0, 0, 0, 0, 10, 20))),
                new Event(at(4), curl, Verb.CONNECT, api, 1, 0, 0, null),
                Event.evidence(at(5), curl, api, true, new NetEvidence(new TcpCounts(0, 1, 0, 1, 0, 1, 0, 0, 0),
                        new HttpRequest("POST", null, "/later"), null, List.of("alias.internal"))));
    }

    @Test
    void apply_evidence_sumsTcpKeepsFirstRequestAndNamesTheRemote() {
        ChangeGraph graph = new ChangeGraph(session(200));
        events().forEach(graph::apply);
        GraphDocument doc = graph.snapshot();

        Edge connect = doc.edges().stream().filter(e -> e.verb() == Verb.CONNECT).findFirst().orElseThrow();
        assertThat(connect.count()).as("evidence is no call").isEqualTo(2);
        assertThat(connect.failed()).isEqualTo(1);
        assertThat(connect.net().tcp()).isEqualTo(new TcpCounts(1, 1, 2, 1, 0, 1, 0, 10, 20));
        assertThat(connect.net().http()).isEqualTo(new HttpRequest("GET", "api.internal", "/"));
        assertThat(doc.nodes()).contains(new RemoteNode("ipv4", "10.1.2.3", 80, List.of("alias.internal", "api.internal")));
        assertThat(api.withNames(List.of("x")).id()).as("names are no identity").isEqualTo(api.id());
    }

    @Test
    void graphJson_evidence_roundTripsAndStaysAdditive() {
        ChangeGraph graph = new ChangeGraph(session(200));
        events().forEach(graph::apply);
        GraphDocument doc = graph.snapshot();
        String json = GraphJson.toJson(doc);

        assertThat(GraphJson.fromJson(json)).isEqualTo(doc);
        assertThat(json).contains("\"tcp\" : {", "\"syn_retransmits\" : 1", "\"http\" : {", "\"names\" : [ \"alias.internal\", \"api.internal\" ]");
        ChangeGraph plain = new ChangeGraph(session(200));
        plain.apply(new Event(at(1), curl, Verb.CONNECT, api, 1, 0, 0, null));
        assertThat(GraphJson.toJson(plain.snapshot())).doesNotContain("\"tcp\"", "\"names\"", "\"http\"", "tls_sni");
    }

    @Test
    void eventJson_evidence_roundTrips() {
        for (Event e : events()) {
            assertThat(EventJson.fromLine(EventJson.toLine(e))).isEqualTo(e);
        }
        Event sni = Event.evidence(at(6), curl, api, false, new NetEvidence(null, null, "secure.internal",
                List.of("secure.internal")));
        assertThat(EventJson.fromLine(EventJson.toLine(sni))).isEqualTo(sni);
    }

    @Test
    void event_evidenceOnAFile_orTwoFailuresWithoutCalls_isRejected() {
        assertThatThrownBy(() -> new Event(at(1), curl, Verb.OPEN, new FileRef("/etc/x", 0, true), 1, 0, 0, null,
                NetEvidence.ofNames(List.of("x")))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Event(at(1), curl, Verb.CONNECT, api, 0, 0, 2, null,
                NetEvidence.ofTcp(TcpCounts.ZERO))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Event(at(1), curl, Verb.CONNECT, api, 0, 0, 0, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
