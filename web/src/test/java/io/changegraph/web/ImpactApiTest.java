package io.changegraph.web;

import static io.changegraph.web.TestGraphs.DPKG;
import static io.changegraph.web.TestGraphs.MANDB;
import static io.changegraph.web.TestGraphs.POSTINST;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The impact view, search and diff list through a real server on a loopback port. */
class ImpactApiTest {
    private final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path dir;
    private WebServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body());
    }

    private void serveDeploy() {
        TestGraphs.deploy("s-deploy", 40).write(dir.resolve("deploy.json"));
        server = WebServer.start(WebConfig.loopback(List.of(dir)));
    }

    @Test
    void view_servesTheImpactGraphWithGroups_andExpandOpensThem() throws Exception {
        serveDeploy();

        JsonNode view = json("/api/sessions/s-deploy/view");
        assertThat(view.get("view").get("mode").asText()).isEqualTo("impact");
        assertThat(view.get("summary").get("files")).hasSize(2);
        assertThat(view.toString()).contains("g:tree:" + POSTINST.id()).doesNotContain("\"id\":\"" + MANDB.id() + "\"");

        JsonNode opened = json("/api/sessions/s-deploy/view?expand=g:tree:" + POSTINST.id());
        assertThat(opened.toString()).contains("\"id\":\"" + POSTINST.id() + "\"").contains("g:tree:" + MANDB.id());
    }

    @Test
    void view_rejectsAnExpandThatIsNotAGroupId() throws Exception {
        serveDeploy();

        HttpResponse<String> response = get("/api/sessions/s-deploy/view?expand=../../etc/passwd");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("expand takes group ids");
        assertThat(get("/api/sessions/nope/view").statusCode()).isEqualTo(404);
    }

    @Test
    void search_findsFoldedNodes_andSaysWhichGroupHoldsThem() throws Exception {
        serveDeploy();

        JsonNode answer = json("/api/sessions/s-deploy/search?q=PAGE3");
        assertThat(answer.get("total").asInt()).as("page3, page30-39").isEqualTo(11);
        assertThat(answer.get("matches").get(0).get("in").asText()).isEqualTo("g:tree:" + POSTINST.id());
        JsonNode shown = json("/api/sessions/s-deploy/search?q=dpkg%20-i");
        assertThat(shown.get("matches").get(0).get("in").asText()).isEqualTo(DPKG.id());
        assertThat(get("/api/sessions/s-deploy/search").statusCode()).isEqualTo(400);
    }

    private void serveDiff() {
        TestGraphs canary = TestGraphs.recorded("s-canary");
        ProcessNode sed = TestGraphs.process(101, 100, "/usr/bin/sed", "sed", "-i", "s/a/b/", "/etc/app.conf");
        FileNode backdoor = TestGraphs.file("/etc/cron.d/backdoor");
        canary.node(backdoor).edge(sed, Verb.WRITE, backdoor, 1, 0).write(dir.resolve("canary.json"));
        TestGraphs production = TestGraphs.recorded("s-production");
        FileNode log = TestGraphs.file("/var/log/app.log");
        production.node(log).edge(sed, Verb.WRITE, log, 1, 0).write(dir.resolve("production.json"));
        server = WebServer.start(new WebConfig("127.0.0.1", 0, null, List.of(), Optional.of(
                new WebConfig.DiffPair(dir.resolve("canary.json"), dir.resolve("production.json")))));
    }

    @Test
    void diff_listsEachDifferenceWithTheElementToFocus_andDifferencesOnlyKeepsTheirContext() throws Exception {
        serveDiff();

        JsonNode all = json("/api/diff?canary=s-canary&production=s-production");
        JsonNode differences = all.get("differences");
        assertThat(differences).hasSize(2);
        assertThat(differences.get(0).get("status").asText()).isEqualTo("only_canary");
        assertThat(differences.get(0).get("label").asText()).isEqualTo("sed -i s/a/b/ /etc/app.conf: write /etc/cron.d/backdoor");
        assertThat(differences.get(0).get("id").asText()).endsWith("|write|" + TestGraphs.file("/etc/cron.d/backdoor").id());
        assertThat(all.get("nodes")).hasSize(9);
        JsonNode impact = all.get("impact");
        assertThat(impact).as("the impact-first section, from both summaries").hasSize(1);
        assertThat(impact.get(0).get("text").asText()).startsWith("canary also changed cron /etc/cron.d/backdoor");
        assertThat(impact.get(0).get("evidence").toString()).contains(TestGraphs.file("/etc/cron.d/backdoor").id());

        JsonNode only = json("/api/diff?canary=s-canary&production=s-production&only=differences");
        assertThat(only.get("nodes")).as("sed, both files and bash above").hasSize(4);
        assertThat(only.get("diff").get("differences_only").asBoolean()).isTrue();
        assertThat(only.get("differences")).hasSize(2);
    }

    @Test
    void diff_takesTheCliOptions_asUrlParameters() throws Exception {
        serveDiff();

        JsonNode ignored = json("/api/diff?canary=s-canary&production=s-production&ignore_path=/var/log/**");
        assertThat(ignored.get("differences")).hasSize(1);
        assertThat(ignored.get("differences").get(0).get("label").asText()).contains("/etc/cron.d/backdoor");

        HttpResponse<String> bad = get("/api/diff?canary=s-canary&production=s-production&remote_match=sideways");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("bad diff option");
    }

    @Test
    void sessionSummary_saysLoggedOut_andShowsTheSshClientAsAddressPortArrowPort() {
        assertThat(SessionSummary.stateText("live", true, 2)).isEqualTo("logged out, 2 processes still running");
        assertThat(SessionSummary.stateText("live", false, 2)).isEqualTo("live");
        assertThat(SessionSummary.stateText("ended", true, 1)).isEqualTo("ended, 1 process left running");
        assertThat(SessionSummary.stateText("ended", true, 0)).isEqualTo("ended");
        assertThat(SessionSummary.clientDisplay("127.0.0.1 49168 127.0.0.1 2222")).isEqualTo("127.0.0.1:49168 → :2222");
        assertThat(SessionSummary.clientDisplay("2001:db8::7 50022 22")).isEqualTo("[2001:db8::7]:50022 → :22");
        assertThat(SessionSummary.clientDisplay("")).isNull();
    }
}
