package io.changegraph.controller.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.changegraph.repository.formats.GraphDeltaFile;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.model.Verb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaSummaryTest {
    private static final Instant T0 = Instant.parse("2026-12-06T09:00:00Z");
    private final ProcessNode sh = new ProcessNode(100, 1L, 1, "/bin/sh", List.of("sh"), "/", 0, 0, null, null, true, T0, null);

    @TempDir
    Path dir;

    @Test
    void deltaSidecar_carriesTheSummaryOfTheFileItAccompanies_soApplyingItGivesTheFileWithItsCurrentSummary()
            throws Exception {
        SessionPipeline pipeline = new SessionPipeline(new Session("s-1", "host", "root", 100, List.of("sh"), T0, null),
                null, null, null, 0);
        Path file = dir.resolve("g.json");
        create(pipeline, "/etc/a.conf", 1);
        pipeline.writeSnapshot(file, new Stats(1, 0, 0));
        create(pipeline, "/etc/b.conf", 2);
        long events = 2;
        // the live summary is recomputed at most once per 50 times its cost: write until a file has the new one
        long deadline = System.nanoTime() + 20_000_000_000L;
        GraphDocument previous;
        GraphDocument written;
        do {
            previous = GraphJson.read(file);
            Thread.sleep(20);
            pipeline.graph().apply(Event.once(T0.plusMillis(++events), sh, Verb.READ, FileRef.of("/etc/hosts"), false, null));
            pipeline.writeSnapshot(file, new Stats(events, 0, 0));
            written = GraphJson.read(file);
        } while (!summarised(written, "/etc/b.conf") && System.nanoTime() < deadline);

        assertThat(summarised(previous, "/etc/b.conf")).as("the version the viewer holds has the old summary").isFalse();
        assertThat(summarised(written, "/etc/b.conf")).as("the file has the new summary").isTrue();
        GraphDeltaFile.Delta delta = GraphDeltaFile.read(file).orElseThrow();
        assertThat(delta.baseEvents()).isEqualTo(previous.stats().events());
        assertThat(delta.changed().summary()).isEqualTo(written.summary());
        assertThat(delta.applyTo(previous)).isEqualTo(written);
        assertThat(Files.size(file)).isEqualTo(delta.graphBytes());
    }

    private void create(SessionPipeline pipeline, String path, int at) {
        pipeline.graph().apply(Event.once(T0.plusMillis(at), sh, Verb.CREATE, FileRef.of(path), false, "write,create,truncate"));
    }

    private static boolean summarised(GraphDocument document, String path) {
        return document.summary() != null && document.summary().files().stream().anyMatch(f -> f.path().equals(path));
    }
}
