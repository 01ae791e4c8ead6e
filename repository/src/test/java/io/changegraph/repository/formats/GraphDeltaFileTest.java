package io.changegraph.repository.formats;

import static io.changegraph.repository.model.Fixtures.at;
import static io.changegraph.repository.model.Fixtures.process;
import static io.changegraph.repository.model.Fixtures.session;
import static org.assertj.core.api.Assertions.assertThat;

import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.Ids;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphDeltaFileTest {
    private final ProcessNode bash = process(100, 1, "/usr/bin/bash", "bash");
    private final ProcessNode sed = process(101, 100, "/usr/bin/sed", "sed", "-i", "s/a/b/", "/etc/app.conf");
    private final ChangeGraph graph = new ChangeGraph(session(100));

    @TempDir
    Path dir;

    @Test
    void snapshotWithDelta_firstHasEverything_nextOnlyWhatChanged_andApplyingItGivesTheNextGraph() {
        graph.apply(Event.once(at(1), bash, Verb.SPAWN, sed, false, null));
        graph.apply(Event.once(at(2), sed, Verb.CREATE, FileRef.of("/etc/sedX1"), false, null));
        graph.apply(Event.once(at(3), bash, Verb.READ, FileRef.of("/etc/hosts"), false, null));
        ChangeGraph.Snapshots first = graph.snapshotWithDelta();
        assertThat(first.changed().nodes()).isEqualTo(first.graph().nodes());
        assertThat(first.changed().edges()).isEqualTo(first.graph().edges());
        assertThat(first.baseEvents()).isZero();

        graph.apply(Event.once(at(4), sed, Verb.RENAME, FileRef.of("/etc/sedX1"), false, "/etc/app.conf"));
        graph.apply(Event.once(at(5), bash, Verb.READ, FileRef.of("/etc/hosts"), false, null));
        ChangeGraph.Snapshots second = graph.snapshotWithDelta();

        assertThat(second.baseEvents()).isEqualTo(first.graph().stats().events());
        assertThat(second.changed().edges()).extracting(Edge::verb).containsExactlyInAnyOrder(Verb.RENAME, Verb.READ);
        // the renamed node, and the ends of the changed edges
        assertThat(second.changed().nodes()).extracting(Node::id).containsExactlyInAnyOrder(Ids.file("/etc/sedX1", 0),
                sed.id(), bash.id(), Ids.file("/etc/hosts", 0));
        GraphDeltaFile.Delta delta = new GraphDeltaFile.Delta(second.baseEvents(), 0, second.changed());
        assertThat(delta.applyTo(first.graph())).isEqualTo(second.graph());
        assertThat(graph.snapshotWithDelta().changed().edges()).as("nothing new").isEmpty();
    }

    @Test
    void sidecar_writtenBesideTheGraph_readsBackWithItsBaseAndTheGraphsSize() {
        graph.apply(Event.once(at(1), bash, Verb.SPAWN, sed, false, null));
        ChangeGraph.Snapshots snapshots = graph.snapshotWithDelta();
        Path file = dir.resolve("g.json");
        GraphJson.write(snapshots.graph(), file);
        GraphDeltaFile.write(file, snapshots.changed(), 7);
        GraphDeltaFile.write(dir.resolve("first.json"), snapshots.changed(), 0);
        assertThat(GraphDeltaFile.of(dir.resolve("first.json"))).as("the first delta continues nothing").doesNotExist();

        assertThat(GraphDeltaFile.of(file)).isEqualTo(dir.resolve(".g.json.delta"));
        GraphDeltaFile.Delta read = GraphDeltaFile.read(file).orElseThrow();
        assertThat(read.baseEvents()).isEqualTo(7);
        assertThat(read.graphBytes()).isEqualTo(file.toFile().length());
        assertThat(read.changed()).isEqualTo(snapshots.changed());
        GraphDeltaFile.delete(file);
        assertThat(GraphDeltaFile.read(file)).isEmpty();
    }

    @Test
    void sidecar_tornOrForeign_isNotRead() throws Exception {
        Path file = dir.resolve("g.json");
        Files.writeString(GraphDeltaFile.of(file), "{\"base_events\":1,\"graph_bytes\":");
        assertThat(GraphDeltaFile.read(file)).isEmpty();
        Files.writeString(GraphDeltaFile.of(file), "{\"something\":\"else\"}\n{}");
        assertThat(GraphDeltaFile.read(file)).isEmpty();
        Files.writeString(GraphDeltaFile.of(file), "{\"base_events\":1,\"graph_bytes\":10}\n{\"schema\": \"chan");
        assertThat(GraphDeltaFile.read(file)).isEmpty();
    }
}
