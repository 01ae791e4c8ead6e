package io.changegraph.impact;

import static io.changegraph.repository.model.Verb.ACCEPT;
import static io.changegraph.repository.model.Verb.BIND;
import static io.changegraph.repository.model.Verb.CHMOD;
import static io.changegraph.repository.model.Verb.CONNECT;
import static io.changegraph.repository.model.Verb.CREATE;
import static io.changegraph.repository.model.Verb.EXEC;
import static io.changegraph.repository.model.Verb.RECV;
import static io.changegraph.repository.model.Verb.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import io.changegraph.repository.model.Ids;
import io.changegraph.repository.model.RemoteNode;
import org.junit.jupiter.api.Test;

class RecogniseNetworkTest {
    private static RecogniserGraph shell() {
        return new RecogniserGraph().process(1, 0, "/usr/bin/bash", "bash", "deploy.sh");
    }

    @Test
    void bindToAPort_isNetworkListen_withTheConnectionsAccepted() {
        RecogniserGraph g = shell().process(2, 1, -1, "/usr/bin/python3", "python3", "-m", "http.server", "18080");
        RemoteNode listen = g.remote("ipv4", "127.0.0.1", 18080);
        RemoteNode peer = g.remote("ipv4", "127.0.0.1", 53620);
        g.on(2, BIND, listen.id(), 1, 0).on(2, ACCEPT, peer.id(), 1, 0).on(2, RECV, peer.id(), 1, 0);
        assertThat(g.told()).containsExactly("daemon.left_running python3 http.server", "network.listen 127.0.0.1:18080");
        assertThat(g.only("network.listen").detail()).isEqualTo("python3 (pid 2), accepted 1 connection");
    }

    @Test
    void bindToPortZeroOrAUnixSocket_isNoListener() {
        RecogniserGraph g = shell();
        g.on(1, BIND, g.remote("ipv4", "0.0.0.0", 0).id(), 1, 0).on(1, BIND, g.remote("unix", "/run/x.sock", 0).id(), 1, 0);
        assertThat(g.behaviours()).isEmpty();
    }

    @Test
    void connects_areOneBehaviourPerRemote_countingFailures_withoutUnixSocketsOrTheStubResolver() {
        RecogniserGraph g = shell().process(2, 1, "/usr/bin/curl", "curl", "http://10.0.0.5/")
                .process(3, 1, 7, "/usr/bin/curl", "curl", "http://10.0.0.5/");
        g.on(2, CONNECT, g.remote("ipv4", "10.0.0.5", 80).id(), 1, 0)
                .on(3, CONNECT, g.remote("ipv4", "10.0.0.5", 80).id(), 1, 1)
                .on(2, CONNECT, g.remote("ipv6", "2001:db8::1", 443).id(), 1, 0)
                .on(2, CONNECT, g.remote("unix", "/var/run/nscd/socket", 0).id(), 2, 2)
                .on(2, CONNECT, g.remote("ipv4", "127.0.0.53", 53).id(), 1, 0);
        assertThat(g.told()).containsExactly("network.connect 10.0.0.5:80", "network.connect [2001:db8::1]:443");
        assertThat(g.behaviours().getFirst().detail()).isEqualTo("2 connects (1 failed) by curl");
        assertThat(g.behaviours().getFirst().processes()).hasSize(2);
    }

    @Test
    void leftRunning_isTheTopmostRunningProcess_notItsWorkersNorEndedOnes() {
        RecogniserGraph g = shell()
                .process(2, 1, -1, "/usr/sbin/nginx", "nginx", "-g", "daemon off;")
                .process(3, 2, -1, "/usr/sbin/nginx", "nginx: worker process")
                .process(4, 1, "/usr/bin/sleep", "sleep", "1");
        assertThat(g.told()).containsExactly("daemon.left_running nginx");
        assertThat(g.only("daemon.left_running").processes()).containsExactly(Ids.process(2, 2000));
    }

    @Test
    void fileWrittenByCurl_thenExecuted_isDownloadExec() {
        RecogniserGraph g = shell().process(2, 1, "/usr/bin/curl", "curl", "-o", "/tmp/install.sh", "https://example.com/i.sh")
                .on(2, CREATE, "/tmp/install.sh").on(2, WRITE, "/tmp/install.sh")
                .on(1, CHMOD, "/tmp/install.sh", "0755")
                .process(3, 1, "/tmp/install.sh", "/tmp/install.sh");
        assertThat(g.told()).containsExactly("download.exec /tmp/install.sh");
        assertThat(g.only("download.exec").evidence()).contains(Ids.process(3, 3000) + "|exec|" + g.file("/tmp/install.sh").id());
    }

    @Test
    void fileWrittenAfterAConnect_thenRunByAnInterpreter_isDownloadExec() {
        RecogniserGraph g = shell().process(2, 1, "/usr/bin/python3", "python3", "fetch.py");
        g.on(2, CONNECT, g.remote("ipv4", "203.0.113.7", 443).id(), 1, 0).on(2, WRITE, "/root/payload.sh")
                .process(3, 1, "/usr/bin/bash", "bash", "payload.sh");
        assertThat(g.told()).contains("download.exec /root/payload.sh");
    }

    @Test
    void fileWrittenLocally_thenExecuted_isNoDownload() {
        RecogniserGraph g = shell().on(1, WRITE, "/tmp/run.sh").process(2, 1, "/tmp/run.sh", "/tmp/run.sh")
                .on(2, EXEC, "/tmp/run.sh");
        assertThat(g.behaviours()).isEmpty();
    }
}
