package io.changegraph.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GraphDeltaTest {
    private static LoadedSession version(GraphDocument document, long version) {
        return new LoadedSession("s", Path.of("s.json"), document, new byte[0], version, new FileStamp(version, 0, ""), null);
    }

    @Test
    void delta_listsAddedAndChangedEdges_andRemovedNodesAndEdges() throws Exception {
        ProcessNode sed = TestGraphs.process(101, 100, "/usr/bin/sed", "sed");
        FileNode conf = TestGraphs.file("/etc/app.conf");
        FileNode temp = TestGraphs.file("/etc/sedXYZ");
        FileNode log = TestGraphs.file("/var/log/app.log");
        GraphDocument before = new TestGraphs("s").node(sed).node(conf).node(temp)
                .edge(sed, Verb.READ, conf, 1, 0).edge(sed, Verb.CREATE, temp, 1, 0).live().build();
        GraphDocument after = new TestGraphs("s").node(sed).node(conf).node(log)
                .edge(sed, Verb.READ, conf, 5, 0).edge(sed, Verb.WRITE, log, 1, 0).live().build();

        JsonNode delta = Json.MAPPER.readTree(GraphDelta.between(version(before, 4), version(after, 5)));

        assertThat(delta.get("schema").asText()).isEqualTo("changegraph/v1");
        assertThat(delta.get("base").asLong()).isEqualTo(4);
        assertThat(delta.get("version").asLong()).isEqualTo(5);
        assertThat(delta.get("nodes")).extracting(n -> n.get("id").asText()).containsExactly(log.id());
        assertThat(delta.get("edges")).extracting(e -> e.get("verb").asText() + ":" + e.get("count").asLong())
                .containsExactlyInAnyOrder("read:5", "write:1");
        assertThat(delta.get("removed_nodes")).extracting(JsonNode::asText).containsExactly(temp.id());
        assertThat(delta.get("removed_edges")).extracting(JsonNode::asText)
                .containsExactly(sed.id() + "|create|" + temp.id());
    }
}
