package io.changegraph.impact;

import static org.assertj.core.api.Assertions.assertThat;

import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.SummaryBehaviour;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The recordings of examples/deploy.sh (canary) and examples/undeploy.sh, trimmed to its changes, its secrets and dpkg's status files
 * (the man pages mandb read and the runtime noise are left out to keep the fixture small). It must read as
 * the deploy did: nothing missing, nothing spurious.
 */
class RecognisersDeployTest {
    private static GraphDocument deploy;
    private static OpsFindings findings;
    private static OpsFindings undeploy;

    @BeforeAll
    static void recognise() throws IOException {
        deploy = read("deploy-canary-trimmed.json");
        findings = Recognisers.shipped().recognise(new SessionGraph(deploy), null);
        undeploy = Recognisers.shipped().recognise(new SessionGraph(read("undeploy-trimmed.json")), null);
    }

    private static GraphDocument read(String resource) throws IOException {
        try (InputStream in = RecognisersDeployTest.class.getResourceAsStream(resource)) {
            return GraphJson.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static SummaryBehaviour only(String kind) {
        List<SummaryBehaviour> found = findings.behaviours().stream().filter(b -> b.kind().equals(kind)).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.getFirst();
    }

    @Test
    void deploy_readsAsWhatItDid_andNothingElse() {
        assertThat(findings.behaviours()).extracting(b -> b.kind() + " " + b.subject()).containsExactly(
                "cron.change /etc/cron.d/myapp",
                "daemon.left_running python3 http.server",
                "group.add myapp",
                "network.connect 127.0.0.1:18080",
                "network.listen 127.0.0.1:18080",
                "package.install myapp",
                "user.add myapp");
    }

    @Test
    void deploy_packageInstall_namesVersionFilesAndTheManDbTrigger() {
        assertThat(only("package.install").detail()).isEqualTo("1.0-1: 3 files, 1 directory; triggers: man-db");
    }

    @Test
    void deploy_foldsDpkgWithItsHelpersAndTheTrigger_andNothingOutsideIt() {
        Set<String> folded = findings.foldedProcesses().stream()
                .map(id -> deploy.nodes().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow())
                .map(n -> ((ProcessNode) n).exe()).collect(Collectors.toSet());
        assertThat(folded).containsExactlyInAnyOrder("/usr/bin/dpkg", "/usr/bin/dpkg-split", "/usr/bin/dpkg-deb",
                "/usr/bin/tar", "/usr/bin/rm", "/var/lib/dpkg/info/man-db.postinst", "/usr/bin/mandb");
        assertThat(findings.foldedProcesses()).hasSize(12);
    }

    @Test
    void deploy_useraddReadingShadow_isNoSecretRead() {
        assertThat(findings.behaviours()).noneMatch(b -> b.kind().equals("secret.read"));
        assertThat(deploy.edges()).anyMatch(e -> e.verb().wireName().equals("read")
                && e.target().equals(io.changegraph.repository.model.Ids.file("/etc/shadow", 0)));
    }

    @Test
    void deploy_everyEvidenceIdIsInTheGraph() {
        Set<String> ids = deploy.nodes().stream().map(n -> n.id()).collect(Collectors.toSet());
        Set<String> keys = deploy.edges().stream().map(e -> e.key()).collect(Collectors.toSet());
        for (SummaryBehaviour behaviour : findings.behaviours()) {
            assertThat(behaviour.processes()).isNotEmpty().allMatch(ids::contains);
            assertThat(behaviour.evidence()).isNotEmpty().allMatch(e -> ids.contains(e) || keys.contains(e));
        }
    }

    @Test
    void undeploy_readsAsPackageRemovedUserRemovedCronFileDeleted() {
        assertThat(undeploy.behaviours()).extracting(b -> b.kind() + " " + b.subject()).containsExactly(
                "cron.change /etc/cron.d/myapp",
                "package.remove myapp",
                "user.remove myapp");
        assertThat(undeploy.behaviours().get(1).detail()).isEqualTo("3 files, 1 directory removed; triggers: man-db");
        assertThat(undeploy.behaviours().getFirst().detail()).isEqualTo("deleted by rm");
    }
}
