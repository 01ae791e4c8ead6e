package io.changegraph.web;

import static io.changegraph.web.TestGraphs.CONF;
import static io.changegraph.web.TestGraphs.CURL;
import static io.changegraph.web.TestGraphs.DAEMON;
import static io.changegraph.web.TestGraphs.DEPLOY;
import static io.changegraph.web.TestGraphs.DPKG;
import static io.changegraph.web.TestGraphs.DPKG_STATUS;
import static io.changegraph.web.TestGraphs.HEALTH;
import static io.changegraph.web.TestGraphs.LIBC;
import static io.changegraph.web.TestGraphs.MANDB;
import static io.changegraph.web.TestGraphs.MISSING;
import static io.changegraph.web.TestGraphs.MKTEMP;
import static io.changegraph.web.TestGraphs.MYAPP_BIN;
import static io.changegraph.web.TestGraphs.POSTINST;
import static io.changegraph.web.TestGraphs.SED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Summary;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The server-side impact view: what is shown, what is folded into which labelled group, and expanding. */
class ImpactViewTest {
    private static final GraphDocument DEPLOYED = TestGraphs.deploy("s-deploy", 1_200).build();
    private static final Map<String, String> NOISE = Map.of(
            DPKG.id() + "|open|" + LIBC.id(), "runtime_loading",
            SED.id() + "|open|" + LIBC.id(), "runtime_loading",
            DPKG.id() + "|read|" + DPKG_STATUS.id(), "package_bookkeeping");

    private static JsonNode view(Set<String> expand) {
        return ImpactView.of(DEPLOYED, DEPLOYED.summary(), edge -> NOISE.get(edge.key()), expand).json();
    }

    private static Map<String, JsonNode> nodes(JsonNode view) {
        Map<String, JsonNode> byId = new TreeMap<>();
        view.get("nodes").forEach(node -> byId.put(node.get("id").asText(), node));
        return byId;
    }

    private static Map<String, String> groupLabels(JsonNode view) {
        Map<String, String> labels = new TreeMap<>();
        view.get("nodes").forEach(node -> {
            if (node.get("kind").asText().equals("group")) {
                labels.put(node.get("id").asText(), node.get("label").asText());
            }
        });
        return labels;
    }

    @Test
    void view_showsTheSummarysProcessesFilesAndRemotes_andFoldsTheRest() {
        JsonNode view = view(Set.of());

        assertThat(nodes(view).keySet()).contains(DEPLOY.id(), DPKG.id(), SED.id(), DAEMON.id(), CURL.id(),
                MYAPP_BIN.id(), CONF.id(), HEALTH.id())
                .doesNotContain(POSTINST.id(), MANDB.id(), MKTEMP.id(), LIBC.id(), DPKG_STATUS.id(), MISSING.id());
        assertThat(groupLabels(view)).isEqualTo(Map.of(
                "g:tree:" + POSTINST.id(), "dpkg triggers: man-db, mandb, 1,200 files",
                "g:others:" + DEPLOY.id(), "other commands: mktemp, sleep (2 processes, 1 file)",
                "g:files:" + DPKG.id(), "failed lookups: 1 file · package bookkeeping: 1 file · runtime loading: 1 file",
                "g:files:" + SED.id(), "runtime loading: 1 file"));
        assertThat(view.get("view").get("total_nodes").asInt()).isEqualTo(DEPLOYED.nodes().size());
        assertThat(view.get("summary").get("behaviours")).hasSize(2);
        assertThat(view.get("nodes").size()).as("a 1,215-node graph drawn as 12 nodes").isEqualTo(12);
    }

    @Test
    void groupEdges_sumTheFoldedEdges_andCountTheirFiles() {
        JsonNode view = view(Set.of());
        JsonNode spawn = StreamSupport.stream(view.get("edges").spliterator(), false)
                .filter(edge -> edge.get("target").asText().equals("g:others:" + DEPLOY.id())).findFirst().orElseThrow();
        assertThat(spawn.get("source").asText()).isEqualTo(DEPLOY.id());
        assertThat(spawn.get("verb").asText()).isEqualTo("spawn");
        assertThat(spawn.get("files").asInt()).as("two spawn edges folded").isEqualTo(2);
        JsonNode members = nodes(view).get("g:tree:" + POSTINST.id()).get("members");
        assertThat(members.get(0).asText()).isEqualTo("/bin/sh /var/lib/dpkg/info/man-db.postinst triggered /usr/share/man");
        assertThat(members.size()).as("a sample for the panel").isEqualTo(ImpactView.MEMBER_SAMPLE);
    }

    @Test
    void expandingATriggerGroup_showsItsScript_andFoldsTheProgramItRan() {
        JsonNode view = view(Set.of("g:tree:" + POSTINST.id()));

        assertThat(nodes(view)).containsKey(POSTINST.id()).doesNotContainKey(MANDB.id());
        assertThat(groupLabels(view)).containsEntry("g:tree:" + MANDB.id(), "package manager: mandb -pq (1 process, 1,200 files)")
                .doesNotContainKey("g:tree:" + POSTINST.id());
        assertThat(view.get("view").get("expanded").get(0).asText()).isEqualTo("g:tree:" + POSTINST.id());
    }

    @Test
    void expandingAFileGroup_showsItsFiles_andTakesThemOutOfOtherGroups() {
        JsonNode view = view(Set.of("g:files:" + DPKG.id()));

        assertThat(nodes(view)).containsKeys(LIBC.id(), DPKG_STATUS.id(), MISSING.id());
        assertThat(groupLabels(view)).doesNotContainKeys("g:files:" + DPKG.id(), "g:files:" + SED.id());
    }

    @Test
    void where_pointsSummaryEvidenceAtTheDrawnElement_orItsGroup() {
        ImpactView impact = ImpactView.of(DEPLOYED, DEPLOYED.summary(), edge -> NOISE.get(edge.key()), Set.of());
        JsonNode where = impact.json().get("where");

        String install = DPKG.id() + "|create|" + MYAPP_BIN.id();
        assertThat(where.get(install).asText()).isEqualTo(install);
        assertThat(where.get(DAEMON.id()).asText()).isEqualTo(DAEMON.id());
        assertThat(impact.placement(MANDB.id())).isEqualTo("g:tree:" + POSTINST.id());
        assertThat(impact.placement(LIBC.id())).startsWith("g:files:");
        assertThat(impact.placement(CONF.id())).isEqualTo(CONF.id());
    }

    @Test
    void emptySummary_showsTheRootAndFoldsEveryCommand() {
        JsonNode view = ImpactView.of(DEPLOYED, Summary.EMPTY, edge -> null, Set.of()).json();

        Map<String, JsonNode> nodes = nodes(view);
        assertThat(nodes).containsKey(DEPLOY.id()).doesNotContainKeys(DPKG.id(), SED.id());
        assertThat(groupLabels(view)).containsKeys("g:tree:" + DPKG.id(), "g:others:" + DEPLOY.id());
    }

    @Test
    void alertedElements_areShownEvenWhenTheSummaryDoesNotNameThem() {
        GraphDocument alerted = TestGraphs.deploy("s-alert", 3)
                .alertOnEdge(MKTEMP, io.changegraph.repository.model.Verb.OPEN, LIBC, "odd-open", "mktemp opened libc").build();
        JsonNode view = ImpactView.of(alerted, alerted.summary(), edge -> NOISE.get(edge.key()), Set.of()).json();

        assertThat(nodes(view)).containsKeys(MKTEMP.id(), LIBC.id());
        assertThat(view.get("where").get(MKTEMP.id() + "|open|" + LIBC.id()).asText())
                .isEqualTo(MKTEMP.id() + "|open|" + LIBC.id());
        assertThat(List.of(groupLabels(view).values().toArray())).contains("other commands: sleep (1 process, 1 file)");
    }
}
