package io.changegraph.repository.formats;

import static io.changegraph.repository.model.Fixtures.at;
import static io.changegraph.repository.model.Fixtures.process;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileEffect;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.Fixtures;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.LeftRunning;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteUse;
import io.changegraph.repository.model.Summary;
import io.changegraph.repository.model.SummaryBehaviour;
import io.changegraph.repository.model.Verb;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphJsonTest {
    @TempDir
    Path dir;

    /** One process writing one file: the golden file pins the exact bytes of changegraph/v1. */
    static GraphDocument small() {
        ProcessNode sh = process(42, 1, "/usr/bin/sh", "sh", "-c", "echo hi > /tmp/out");
        ChangeGraph graph = new ChangeGraph(Fixtures.session(42));
        graph.apply(new Event(at(1), sh, Verb.WRITE, FileRef.of("/tmp/out"), 1, 3, 0, null));
        graph.apply(Event.once(at(2), sh.withExit(0, null, at(2)), Verb.EXIT, sh, false, "0"));
        graph.endSession(at(3));
        return graph.snapshot();
    }

    @Test
    void roundTrip_richGraph_isLossless() {
        GraphDocument rich = Fixtures.rich();

        assertThat(GraphJson.fromJson(GraphJson.toJson(rich))).isEqualTo(rich);
    }

    @Test
    void roundTrip_graphWithSummary_keepsEverySummaryField() {
        Summary summary = new Summary(
                List.of(new SummaryBehaviour("package.install", "myapp", "1.0-1: 5 files", List.of("p:7:1"),
                        List.of("p:7:1|exec|f:/usr/bin/dpkg", "p:7:1"))),
                List.of(new FileEffect("/etc/myapp/app.conf", "replaced", null, "0640", "0:0", "p:42:1",
                        "sed -i.bak s/a/b/ /etc/myapp/app.conf", 1, List.of("p:42:1|rename|f:/etc/myapp/sedX"))),
                List.of(new RemoteUse("r:ipv4:127.0.0.1:18080", "127.0.0.1:18080", 3, 1, List.of("p:9:1"))),
                List.of(new LeftRunning("p:9:1", 9, "myappd --port 18080")),
                Map.of("runtime_loading", 120L, "failed_lookup", 30L));
        GraphDocument document = Fixtures.rich().withSummary(summary);

        String json = GraphJson.toJson(document);

        assertThat(GraphJson.fromJson(json)).isEqualTo(document);
        assertThat(json).contains("\"left_running\" : [", "\"runtime_loading\" : 120", "\"transients\" : 1");
    }

    @Test
    void roundTrip_throughFile_isLosslessAndLeavesNoTempFile() throws IOException {
        Path file = dir.resolve("graph.json");
        GraphJson.write(Fixtures.rich(), file);
        GraphJson.write(Fixtures.rich(), file);

        assertThat(GraphJson.read(file)).isEqualTo(Fixtures.rich());
        try (var listing = Files.list(dir)) {
            assertThat(listing).containsExactly(file);
        }
    }

    @Test
    void toJson_smallGraph_matchesGoldenFile() throws IOException {
        try (InputStream golden = getClass().getResourceAsStream("/golden/small-graph.json")) {
            assertThat(GraphJson.toJson(small())).isEqualTo(new String(golden.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void toJson_usesSnakeCaseSortedKeysAndIsoTimes() {
        String json = GraphJson.toJson(Fixtures.rich());

        assertThat(json).contains("\"root_pid\" : 100", "\"lost_kernel\" : 2", "\"dropped_user\" : 1",
                "\"exit_code\" : 0", "\"start_ns\" : 101000", "\"started\" : \"2026-11-21T20:00:00Z\"",
                "\"verb\" : \"load_module\"").endsWith("}\n");
        assertThat(json.indexOf("\"alerts\"")).isLessThan(json.indexOf("\"edges\""));
        assertThat(json.indexOf("\"edges\"")).isLessThan(json.indexOf("\"nodes\""));
    }

    @Test
    void read_unknownKeys_areIgnored() {
        String json = GraphJson.toJson(small())
                .replace("\"schema\"", "\"future_top\" : {\"x\": 1},\n  \"schema\"")
                .replace("\"kind\" : \"file\"", "\"kind\" : \"file\", \"mime\" : \"text/plain\"");

        assertThat(GraphJson.fromJson(json)).isEqualTo(small());
    }

    @Test
    void read_otherSchemaVersion_isRejectedNamingBoth() throws IOException {
        Path file = dir.resolve("v2.json");
        Files.writeString(file, GraphJson.toJson(small()).replace("changegraph/v1", "changegraph/v2"));

        assertThatThrownBy(() -> GraphJson.read(file)).isInstanceOf(GraphFormatException.class)
                .hasMessage("unsupported schema 'changegraph/v2' in " + file + ": this changegraph reads changegraph/v1");
    }

    @Test
    void read_missingRequiredKey_saysWhichAndWhere() {
        String json = GraphJson.toJson(small()).replace("\"pid\" : 42,", "");

        assertThatThrownBy(() -> GraphJson.fromJson(json)).isInstanceOf(GraphFormatException.class)
                .hasMessage("<input>: nodes[1]: missing required key 'pid'");
    }

    @Test
    void read_badValues_areOneLineErrors() {
        String small = GraphJson.toJson(small());

        assertThatThrownBy(() -> GraphJson.fromJson(small.replace("\"write\"", "\"scribble\"")))
                .hasMessage("<input>: edges[0]: 'verb': unknown verb 'scribble'");
        assertThatThrownBy(() -> GraphJson.fromJson(small.replace("\"2026-11-21T20:00:03Z\"", "\"yesterday\"")))
                .hasMessageContaining("'ended' must be an ISO-8601 UTC time");
        assertThatThrownBy(() -> GraphJson.fromJson(small.replace("\"count\" : 1", "\"count\" : -1")))
                .hasMessageStartingWith("<input>: negative counter on edge");
        assertThatThrownBy(() -> GraphJson.fromJson(small.replace("\"target\" : \"f-", "\"target\" : \"x-")))
                .hasMessageContaining("names a node that is not in 'nodes'");
        assertThatThrownBy(() -> GraphJson.fromJson(small.replace("\"pid\" : 42", "\"pid\" : 43")))
                .hasMessageStartingWith("<input>: nodes[1]: id 'p-").hasMessageContaining("does not match the node's identity");
    }

    @Test
    void read_notJsonOrNotAGraph_isRejected() throws IOException {
        Path corrupt = dir.resolve("corrupt.json");
        Files.writeString(corrupt, "{\"schema\": \"changegraph/v1\", ");
        Path other = dir.resolve("package.json");
        Files.writeString(other, "{\"name\": \"left-pad\"}");

        assertThatThrownBy(() -> GraphJson.read(corrupt)).isInstanceOf(GraphFormatException.class)
                .hasMessageStartingWith(corrupt + " is not valid JSON (line 1");
        assertThatThrownBy(() -> GraphJson.read(other))
                .hasMessage(other + " is not a changegraph graph (no top-level 'schema' key)");
        assertThatThrownBy(() -> GraphJson.read(dir.resolve("absent.json")))
                .hasMessage("no such file " + dir.resolve("absent.json"));
    }
}
