package io.changegraph.controller;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The protocol's refusals, decided before the agent is asked anything (so no agent is needed here). */
class AgentProtocolTest {
    private final AgentProtocol protocol = new AgentProtocol(null, AgentLimits.defaults());
    private final int self = (int) ProcessHandle.current().pid();
    private final LibC.PeerCredentials user = new LibC.PeerCredentials(self, 4242, 4242);

    @Test
    void handle_malformedLines_areRefusedInOneLine() {
        assertThat(protocol.handle(user, "not json")).startsWith("{\"error\":\"malformed request (not JSON)")
                .endsWith("\"ok\":false}");
        assertThat(protocol.handle(user, "[1]")).contains("expected a JSON object with an \\\"op\\\"");
        assertThat(protocol.handle(user, "{\"op\":\"stop\"}")).contains("unknown op 'stop'");
        assertThat(protocol.handle(user, "{\"op\":\"register\"}")).contains("register needs");
    }

    @Test
    void register_someoneElsesPid_isRefused_evenWhenTheRequestClaimsOtherwise() {
        assertThat(protocol.handle(user, "{\"op\":\"register\",\"pid\":1,\"user\":\"root\"}"))
                .contains("\"ok\":false").contains("neither the caller");
    }

    @Test
    void register_parentShellOwnedByAnotherUid_isRefused() {
        // the peer (uid 4242) names its parent, which runs as the test's uid, not 4242
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        assertThat(protocol.handle(user, "{\"op\":\"register\",\"pid\":" + parent + "}"))
                .contains("\"ok\":false").contains("belongs to uid");
    }

    @Test
    void register_theAgentItself_isRefused_evenForRoot() {
        LibC.PeerCredentials root = new LibC.PeerCredentials(self, 0, 0);
        assertThat(protocol.handle(root, "{\"op\":\"register\",\"pid\":" + self + "}"))
                .contains("\"ok\":false").contains("the agent itself");
    }

    @Test
    void sessionsWithBadSince_isRefused() {
        assertThat(protocol.handle(user, "{\"op\":\"sessions\",\"since\":\"yesterday\"}"))
                .contains("\"ok\":false").contains("ISO-8601");
    }
}
