package io.changegraph.impact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileEffect;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Summary;
import io.changegraph.repository.model.SummaryBehaviour;
import io.changegraph.repository.model.TcpCounts;
import io.changegraph.repository.model.Verb;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Noise classes, folding, remotes, processes left running, the changes-only subgraph and the formats. */
class ImpactTest {
    private static final Impact NO_BEHAVIOURS = Impact.with((graph, effects) -> OpsFindings.NONE);

    private final Story story = new Story();
    private final ProcessNode sh = story.root();

    /** What every dynamically linked program does before main, and a shell's PATH search. */
    private void runtime(ProcessNode p) {
        story.ok(p, Verb.OPEN, "/etc/ld.so.cache", "read").ok(p, Verb.OPEN, "/lib/x86_64-linux-gnu/libc.so.6", "read")
                .ok(p, Verb.READ, "/lib/x86_64-linux-gnu/libc.so.6")
                .ok(p, Verb.OPEN, "/usr/lib/locale/locale-archive", "read")
                .failed(p, Verb.OPEN, "/usr/share/locale/en_US.UTF-8/LC_MESSAGES/coreutils.mo", "read")
                .ok(p, Verb.OPEN, "/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache", "read")
                .ok(p, Verb.OPEN, "/etc/nsswitch.conf", "read").ok(p, Verb.OPEN, "/etc/passwd", "read")
                .ok(p, Verb.OPEN, "/usr/share/terminfo/x/xterm", "read").ok(p, Verb.OPEN, "/dev/null", "write")
                .ok(p, Verb.WRITE, "/dev/null").ok(p, Verb.OPEN, "/dev/tty", "read,write")
                .ok(p, Verb.OPEN, "/proc/self/maps", "read")
                .failed(p, Verb.EXEC, "/usr/local/sbin/" + p.argv().getFirst(), null);
        story.connectUnix(p, "/var/run/nscd/socket");
    }

    @Test
    void runtimeLoadingAndFailedLookups_areFoldedAndCounted_neverFileEffects() {
        ProcessNode cp = story.run(sh, 200, "cp", "a", "/etc/app.conf");
        runtime(cp);
        story.write(cp, "/etc/app.conf");

        GraphDocument doc = story.end();
        Summary summary = NO_BEHAVIOURS.of(doc);

        assertThat(summary.files()).extracting(FileEffect::path).containsExactly("/etc/app.conf");
        assertThat(summary.folded()).containsEntry("runtime_loading", 13L).containsEntry("failed_lookup", 2L);
        assertThat(summary.remotes()).isEmpty();   // the nscd socket is runtime, not a remote
        Map<String, NoiseClass> noise = Impact.noise(doc);
        assertThat(noise).containsValue(NoiseClass.RUNTIME_LOADING).doesNotContainKey(cp.id() + "|create|"
                + fileId(doc, "/etc/app.conf"));
    }

    @Test
    void packageManagerBookkeepingReads_areFolded_butItsChangesAreNot() {
        ProcessNode apt = story.run(sh, 200, "apt-get", "install", "-y", "hello");
        story.ok(apt, Verb.OPEN, "/var/lib/dpkg/status", "read").ok(apt, Verb.READ, "/var/lib/dpkg/status")
                .ok(apt, Verb.OPEN, "/var/lib/apt/lists/deb.debian.org_Packages", "read")
                .write(apt, "/var/lib/dpkg/status-new").ok(apt, Verb.RENAME, "/var/lib/dpkg/status-new", "/var/lib/dpkg/status");

        Summary summary = NO_BEHAVIOURS.of(story.end());

        assertThat(summary.folded()).containsEntry("package_bookkeeping", 3L);
        assertThat(summary.files()).extracting(FileEffect::path, FileEffect::effect)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("/var/lib/dpkg/status", "replaced"));
    }

    @Test
    void processesFoldedByABehaviour_leaveTheirFilesToIt_andTheirEdgesAreCountedAsPackageSubtree() {
        ProcessNode dpkg = story.run(sh, 200, "dpkg", "-i", "hello.deb");
        ProcessNode mandb = story.run(dpkg, 201, "mandb", "-pq");
        story.write(dpkg, "/usr/bin/hello.dpkg-new").ok(dpkg, Verb.RENAME, "/usr/bin/hello.dpkg-new", "/usr/bin/hello")
                .write(mandb, "/var/cache/man/index.db");
        story.write(sh, "/etc/hello.conf");
        Set<String> subtree = Set.of(dpkg.id(), mandb.id());
        SummaryBehaviour install = new SummaryBehaviour("package.install", "hello", "2.10-3: 1 file; triggers: man-db",
                List.of(dpkg.id()), List.of(dpkg.id()));
        Impact impact = Impact.with((graph, effects) -> new OpsFindings(List.of(install), subtree));

        GraphDocument doc = story.end();
        Summary summary = impact.of(doc);

        assertThat(summary.behaviours()).containsExactly(install);
        assertThat(summary.files()).extracting(FileEffect::path).containsExactly("/etc/hello.conf");
        long subtreeEdges = doc.edges().stream().filter(e -> subtree.contains(e.source())).count();
        assertThat(summary.folded()).containsEntry("package_subtree", subtreeEdges);
    }

    @Test
    void remotes_countConnectsAndFailuresPerEndpoint_withTheirProcesses() {
        ProcessNode curl = story.run(sh, 200, "curl", "http://127.0.0.1:8080/health");
        story.connect(curl, "127.0.0.1", 8080, true).connect(curl, "127.0.0.1", 8080, false)
                .connect(sh, "10.0.0.7", 443, false);

        Summary summary = NO_BEHAVIOURS.of(story.end());

        assertThat(summary.remotes()).extracting(r -> r.endpoint() + " " + r.connects() + "/" + r.failed() + " " + r.processes())
                .containsExactlyInAnyOrder("127.0.0.1:8080 2/1 [" + curl.id() + "]", "10.0.0.7:443 1/0 [" + sh.id() + "]");
    }

    @Test
    void remotes_listFailedConnections_withTheRemotesNamesAndTcpOutcomes_inEveryFormat() throws Exception {
        ProcessNode curl = story.run(sh, 200, "curl", "https://api.internal/");
        story.connect(curl, "10.1.2.3", 443, false).connect(curl, "10.1.2.3", 443, false)
                .evidence(curl, "10.1.2.3", 443, new TcpCounts(0, 0, 0, 0, 0, 1, 0, 0, 0), "api.internal")
                .evidence(curl, "10.1.2.3", 443, new TcpCounts(0, 5, 0, 0, 0, 0, 1, 0, 0))
                .connect(sh, "10.0.0.7", 443, false);
        GraphDocument doc = story.end();

        Summary summary = NO_BEHAVIOURS.of(doc);

        assertThat(summary.remotes()).extracting(r -> r.endpointWithNames() + " " + r.refused() + "/" + r.timedOut())
                .containsExactlyInAnyOrder("10.1.2.3:443 (api.internal) 1/1", "10.0.0.7:443 0/0");
        assertThat(SummaryFormats.text(doc, summary)).contains("  10.1.2.3:443 (api.internal)  2 connects, ")
                .contains(", 1 refused, 1 timed out by 1 process\n").contains("  10.0.0.7:443  1 connect by 1 process\n");
        assertThat(SummaryFormats.markdown(doc, summary)).contains("| `10.1.2.3:443 (api.internal)` | 2 connects, ");
        JsonNode remotes = new ObjectMapper().readTree(SummaryFormats.json(doc, summary)).get("remotes");
        JsonNode api = remotes.get(0).get("endpoint").asText().startsWith("10.1") ? remotes.get(0) : remotes.get(1);
        assertThat(api.get("endpoint").asText()).isEqualTo("10.1.2.3:443");
        assertThat(api.get("names").get(0).asText()).isEqualTo("api.internal");
        assertThat(api.get("refused").asLong()).isEqualTo(1);
        assertThat(api.get("timed_out").asLong()).isEqualTo(1);
        assertThat(GraphJson.fromJson(GraphJson.toJson(doc.withSummary(summary))).summary()).isEqualTo(summary);
    }

    @Test
    void processWithoutAnExitByTheEnd_isLeftRunning_withItsCommand() {
        ProcessNode daemon = story.run(sh, 300, "python3", "-m", "http.server", "18080");
        story.run(sh, 301, "sleep", "1");

        Summary summary = NO_BEHAVIOURS.of(story.end(daemon));

        assertThat(summary.leftRunning()).extracting(l -> l.pid() + " " + l.command())
                .containsExactly("300 python3 -m http.server 18080");
    }

    @Test
    void changesOnly_keepsTheActorsWithTheirAncestorsAndChangedFiles_withoutNoise() {
        ProcessNode script = story.run(sh, 200, "bash", "setup.sh");
        ProcessNode cp = story.run(script, 201, "cp", "a", "/etc/app.conf");
        ProcessNode ls = story.run(sh, 202, "ls", "/etc");
        runtime(cp);
        runtime(ls);
        story.write(cp, "/etc/app.conf").ok(ls, Verb.OPEN, "/etc", "read,directory");
        GraphDocument doc = story.end();
        Summary summary = NO_BEHAVIOURS.of(doc);

        GraphDocument changes = Impact.changesOnly(doc, summary);

        assertThat(changes.nodes()).extracting(Node::id)
                .containsExactlyInAnyOrder(sh.id(), script.id(), cp.id(), fileId(doc, "/etc/app.conf"));
        assertThat(changes.edges()).extracting(Edge::key).containsExactlyInAnyOrder(
                sh.id() + "|spawn|" + script.id(), script.id() + "|spawn|" + cp.id(),
                cp.id() + "|create|" + fileId(doc, "/etc/app.conf"), cp.id() + "|write|" + fileId(doc, "/etc/app.conf"));
        assertThat(changes.summary()).isEqualTo(summary);
    }

    @Test
    void summaryOfTheSameRecording_isTheSame_andSurvivesTheGraphJson() {
        ProcessNode cp = story.run(sh, 200, "cp", "a", "/etc/app.conf");
        runtime(cp);
        story.write(cp, "/etc/app.conf").connect(cp, "10.0.0.7", 443, false);
        GraphDocument doc = story.end();

        Summary summary = NO_BEHAVIOURS.of(doc);
        GraphDocument withSummary = doc.withSummary(summary);

        assertThat(NO_BEHAVIOURS.of(GraphJson.fromJson(GraphJson.toJson(doc)))).isEqualTo(summary);
        assertThat(GraphJson.fromJson(GraphJson.toJson(withSummary)).summary()).isEqualTo(summary);
    }

    @Test
    void jsonFormat_isSchemaV1_withTheSessionAndSortedSections() throws Exception {
        ProcessNode cp = story.run(sh, 200, "cp", "a", "/etc/b.conf");
        story.write(cp, "/etc/b.conf").write(cp, "/etc/a.conf");
        GraphDocument doc = story.end();

        JsonNode json = new ObjectMapper().readTree(SummaryFormats.json(doc, NO_BEHAVIOURS.of(doc)));

        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("behaviours", "files", "folded", "left_running", "remotes", "schema", "session");
        assertThat(json.get("schema").asText()).isEqualTo("changegraph-summary/v1");
        assertThat(json.get("session").get("root_pid").asInt()).isEqualTo(100);
        assertThat(json.get("files").get(0).get("path").asText()).isEqualTo("/etc/a.conf");
        assertThat(json.get("files").get(0).get("command").asText()).isEqualTo("cp a /etc/b.conf");
    }

    @Test
    void textFormat_saysEveryChangeOnItsOwnLine_andGroupsSiblingsMadeAlike() {
        ProcessNode useradd = story.run(sh, 200, "useradd", "-m", "app");
        story.ok(useradd, Verb.MKDIR, "/home/app", "0755").write(useradd, "/home/app/.bashrc").write(useradd, "/home/app/.profile")
                .ok(sh, Verb.UNLINK, "/etc/old.conf");
        GraphDocument doc = story.end();

        String text = SummaryFormats.text(doc, NO_BEHAVIOURS.of(doc));

        assertThat(text.lines()).anyMatch(l -> l.contains("created") && l.contains("/home/app/{.bashrc,.profile}")
                && l.contains("useradd -m app"));
        assertThat(text.lines()).anyMatch(l -> l.contains("mkdir") && l.contains("/home/app "));
        assertThat(text.lines()).anyMatch(l -> l.contains("deleted") && l.contains("/etc/old.conf"));
        assertThat(text).contains("files changed (4)");
        assertThat(SummaryFormats.markdown(doc, NO_BEHAVIOURS.of(doc))).contains("| created | `/home/app/.bashrc`");
    }

    private static String fileId(GraphDocument doc, String path) {
        return doc.nodes().stream().filter(n -> n instanceof io.changegraph.repository.model.FileNode f && f.path().equals(path))
                .findFirst().orElseThrow().id();
    }
}
