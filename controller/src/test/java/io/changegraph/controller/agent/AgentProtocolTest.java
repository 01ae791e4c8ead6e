package io.changegraph.controller.agent;

import io.changegraph.controller.config.AgentLimits;
import io.changegraph.controller.os.LibC;
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

    @Test
    void register_controlCharactersInTtyOrClient_areRefused() {
        LibC.PeerCredentials root = new LibC.PeerCredentials(self, 0, 0);
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        assertThat(protocol.handle(root, "{\"op\":\"register\",\"pid\":" + parent + ",\"tty\":\"/dev/pts/1\\u001b[2J\"}"))
                .contains("\"ok\":false").contains("control characters");
        assertThat(protocol.handle(root, "{\"op\":\"register\",\"pid\":" + parent
                + ",\"ssh_connection\":\"1.2.3.4 22\\n5\"}")).contains("control characters");
        assertThat(protocol.handle(root, "{\"op\":\"register\",\"pid\":" + parent + ",\"command\":\"bash\"}"))
                .contains("must be a list");
    }

    @Test
    void answers_escapeControlCharactersOfTheRequest() {
        String answer = protocol.handle(user, "{\"op\":\"nope\\u001b[2J\\u009b\"}");
        assertThat(answer).contains("\\u001B[2J").contains("\\u009B").doesNotContain("\u001b").doesNotContain("\u009b");
    }
}
