package io.changegraph.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.formats.GraphDeltaFile;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Verb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A live graph file with its delta sidecar: the viewer applies the changes instead of parsing the whole file. */
class GraphDeltaSidecarTest {
    private static final Instant T0 = TestGraphs.T0;
    private final ProcessNode bash = TestGraphs.process(100, 1, "/usr/bin/bash", "bash");
    private final ChangeGraph graph = new ChangeGraph(new Session("live-1", "h", "u", 100, List.of("bash"), T0, null));

    @TempDir
    Path dir;

    private void write(Path file, int touch) throws Exception {
        ChangeGraph.Snapshots snapshots = graph.snapshotWithDelta();
        GraphJson.write(snapshots.graph(), file);
        GraphDeltaFile.write(file, snapshots.changed(), snapshots.baseEvents());
        Files.setLastModifiedTime(file, FileTime.from(T0.plusSeconds(touch)));   // a new stamp even within a tick
    }

    @Test
    void newVersion_withItsSidecar_isTheFileWithoutParsingIt_andTheEventCarriesOnlyTheChanges() throws Exception {
        Path file = dir.resolve("live.json");
        graph.apply(Event.once(T0.plusSeconds(1), bash, Verb.READ, FileRef.of("/etc/hosts"), false, null));
        write(file, 1);
        try (SessionIndex index = new SessionIndex(List.of(dir))) {
            LoadedSession first = index.find("live-1").orElseThrow();
            graph.apply(Event.once(T0.plusSeconds(2), bash, Verb.WRITE, FileRef.of("/tmp/out"), false, null));
            graph.apply(Event.once(T0.plusSeconds(3), bash, Verb.READ, FileRef.of("/etc/hosts"), false, null));
            write(file, 2);
            index.scan();
            LoadedSession second = index.find("live-1").orElseThrow();

            assertThat(second.version()).isEqualTo(first.version() + 1);
            assertThat(second.document()).isEqualTo(GraphJson.read(file));
            JsonNode event = Json.MAPPER.readTree(GraphDelta.between(first, second));
            assertThat(event.get("base").asLong()).isEqualTo(first.version());
            assertThat(event.get("edges")).extracting(e -> e.get("verb").asText() + ":" + e.get("count").asLong())
                    .containsExactlyInAnyOrder("write:1", "read:2");
        }
    }

    @Test
    void sidecar_isWhatTheViewerUses_whenItContinuesTheVersionHeld_andIsIgnoredOtherwise() throws Exception {
        Path file = dir.resolve("live.json");
        graph.apply(Event.once(T0.plusSeconds(1), bash, Verb.READ, FileRef.of("/etc/hosts"), false, null));
        write(file, 1);
        try (SessionIndex index = new SessionIndex(List.of(dir))) {
            // a sidecar that says more than the file: applied, it shows (so the file was not parsed)
            graph.apply(Event.once(T0.plusSeconds(2), bash, Verb.CONNECT,
                    new io.changegraph.repository.model.RemoteNode("ipv4", "10.0.0.9", 443), false, null));
            ChangeGraph.Snapshots withConnect = graph.snapshotWithDelta();
            long base = withConnect.baseEvents();
            Files.setLastModifiedTime(file, FileTime.from(T0.plusSeconds(2)));
            GraphDeltaFile.write(file, withConnect.changed(), base);
            index.scan();
            assertThat(index.find("live-1").orElseThrow().document().edges()).extracting(Edge::verb)
                    .contains(Verb.CONNECT);

            // a sidecar for another version (wrong base): the file is parsed instead
            graph.apply(Event.once(T0.plusSeconds(3), bash, Verb.WRITE, FileRef.of("/tmp/x"), false, null));
            ChangeGraph.Snapshots third = graph.snapshotWithDelta();
            GraphJson.write(third.graph(), file);
            GraphDeltaFile.write(file, third.changed(), 12345);
            Files.setLastModifiedTime(file, FileTime.from(T0.plusSeconds(3)));
            index.scan();
            assertThat(index.find("live-1").orElseThrow().document()).isEqualTo(GraphJson.read(file));
        }
    }
}
