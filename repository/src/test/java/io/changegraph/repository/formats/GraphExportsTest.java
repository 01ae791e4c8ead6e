package io.changegraph.repository.formats;

import static io.changegraph.repository.model.Fixtures.at;
import static io.changegraph.repository.model.Fixtures.process;
import static org.assertj.core.api.Assertions.assertThat;

import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.Fixtures;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Ids;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import java.io.StringReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jgrapht.Graph;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.DirectedPseudograph;
import org.jgrapht.nio.graphml.GraphMLImporter;
import org.junit.jupiter.api.Test;

class GraphExportsTest {
    private static final String QUOTED_PATH = "/tmp/it's \"here\"";

    private static GraphDocument withAwkwardPath() {
        ProcessNode sh = process(7, 1, "/bin/sh", "sh");
        ChangeGraph graph = new ChangeGraph(Fixtures.session(7));
        graph.apply(new Event(at(1), sh, Verb.WRITE, FileRef.of(QUOTED_PATH), 2, 10, 1, null));
        return graph.snapshot();
    }

    @Test
    void dot_hasOneLinePerNodeAndEdgeWithShapesAndLabels() {
        GraphDocument rich = Fixtures.rich();
        String dot = GraphExports.dot(rich);
        ProcessNode sed = (ProcessNode) rich.nodes().stream()
                .filter(node -> node instanceof ProcessNode p && p.pid() == 101).findFirst().orElseThrow();

        assertThat(dot).startsWith("digraph changegraph {");
        assertThat(dot.lines().filter(line -> line.contains(" -> "))).hasSize(rich.edges().size());
        assertThat(dot).contains("\"" + sed.id() + "\" [ label=\"sed -i s/a/b/ /etc/app.conf [101]\" kind=\"process\" shape=\"box\" ];");
        assertThat(dot).contains("label=\"send x4\" verb=\"send\" count=\"4\" bytes=\"1200\" failed=\"0\"");
        assertThat(dot).containsPattern("label=\"unlink\" verb=\"unlink\" count=\"1\" bytes=\"0\" failed=\"1\" color=\"red\"");
        assertThat(dot).contains("label=\"/etc/app.conf\" kind=\"file\" shape=\"note\" style=\"dashed\"");
    }

    @Test
    void dot_escapesQuotesInLabels() {
        assertThat(GraphExports.dot(withAwkwardPath())).contains("label=\"/tmp/it's \\\"here\\\"\"");
    }

    @Test
    void graphml_parsesBackWithSameNodesEdgesAndAttributes() {
        GraphDocument rich = Fixtures.rich();
        Graph<String, DefaultEdge> parsed = new DirectedPseudograph<>(null, DefaultEdge::new, false);
        Map<String, Map<String, String>> vertexAttributes = new HashMap<>();
        GraphMLImporter<String, DefaultEdge> importer = new GraphMLImporter<>();
        importer.setSchemaValidation(true);
        importer.setVertexFactory(id -> id);
        importer.addVertexAttributeConsumer((vertexAndKey, attribute) -> vertexAttributes
                .computeIfAbsent(vertexAndKey.getFirst(), id -> new HashMap<>())
                .put(vertexAndKey.getSecond(), attribute.getValue()));

        importer.importGraph(parsed, new StringReader(GraphExports.graphml(rich)));

        assertThat(parsed.vertexSet()).containsExactlyInAnyOrderElementsOf(rich.nodes().stream().map(Node::id).toList());
        assertThat(parsed.edgeSet()).hasSize(rich.edges().size());
        Map<String, String> module = vertexAttributes.get(Ids.module("dummy"));
        assertThat(module).containsEntry("kind", "module").containsEntry("name", "dummy");
        Map<String, String> sed = vertexAttributes.get(Ids.process(101, 101_000));
        assertThat(sed).containsEntry("argv", "[\"sed\", \"-i\", \"s/a/b/\", \"/etc/app.conf\"]")
                .containsEntry("exit_code", "0").doesNotContainKey("exit_signal");
    }

    @Test
    void graphml_keepsAwkwardPathIntact() {
        GraphDocument document = withAwkwardPath();
        Graph<String, DefaultEdge> parsed = new DirectedPseudograph<>(null, DefaultEdge::new, false);
        Map<String, String> paths = new HashMap<>();
        GraphMLImporter<String, DefaultEdge> importer = new GraphMLImporter<>();
        importer.setVertexFactory(id -> id);
        importer.addVertexAttributeConsumer((vertexAndKey, attribute) -> {
            if (vertexAndKey.getSecond().equals("path")) {
                paths.put(vertexAndKey.getFirst(), attribute.getValue());
            }
        });

        importer.importGraph(parsed, new StringReader(GraphExports.graphml(document)));

        assertThat(paths).containsValue(QUOTED_PATH);
    }

    @Test
    void cypher_mergesNodesAndTypedRelationshipsAndEscapesQuotes() {
        String cypher = GraphExports.cypher(withAwkwardPath());
        String fileId = Ids.file(QUOTED_PATH, 0);

        assertThat(cypher.lines()).contains(
                "CREATE CONSTRAINT IF NOT EXISTS FOR (n:File) REQUIRE n.id IS UNIQUE;",
                "CREATE CONSTRAINT IF NOT EXISTS FOR (n:Process) REQUIRE n.id IS UNIQUE;");
        assertThat(cypher).contains("MERGE (n:File {id: '" + fileId + "'}) SET n += {id: '" + fileId
                + "', path: '/tmp/it\\'s \"here\"', paths: ['/tmp/it\\'s \"here\"'], inode: 0, resolved: true, replaced: false};");
        assertThat(cypher).contains("]->(b) SET r += {count: 2, bytes: 10, failed: 1, first: '2026-11-21T20:00:01Z', "
                + "last: '2026-11-21T20:00:01Z', details: []};");
        assertThat(cypher).contains("MERGE (a)-[r:WRITE]->(b)");
        assertThat(cypher).doesNotContain("null");
    }

    @Test
    void cypher_hasOneStatementPerNodeAndEdge() {
        GraphDocument rich = Fixtures.rich();
        List<String> lines = GraphExports.cypher(rich).lines().toList();

        assertThat(lines).filteredOn(line -> line.startsWith("MERGE (n:")).hasSize(rich.nodes().size());
        assertThat(lines).filteredOn(line -> line.startsWith("MATCH (a:")).hasSize(rich.edges().size());
        assertThat(lines).anyMatch(line -> line.contains("-[r:LOAD_MODULE]->"));
    }

    @Test
    void exports_areDeterministic() {
        assertThat(GraphExports.dot(Fixtures.rich())).isEqualTo(GraphExports.dot(Fixtures.rich()));
        assertThat(GraphExports.graphml(Fixtures.rich())).isEqualTo(GraphExports.graphml(Fixtures.rich()));
        assertThat(GraphExports.cypher(Fixtures.rich())).isEqualTo(GraphExports.cypher(Fixtures.rich()));
    }
}
