package io.changegraph.consumer;

import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Verb;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays a real recording (raw ring-buffer records captured with {@code record --raw-records}) through
 * the consumer into the graph, without root. The recorded script, run in /tmp/fixture-change:
 * {@code echo key=a > app.conf && sed -i s/a/b/ app.conf && mkdir -p etc && mv app.conf etc/ &&
 * chmod 640 etc/app.conf && cat etc/app.conf > /dev/null && rm -rf etc}.
 */
class RecordedChangeReplayTest {
    private static final String DIR = "/tmp/fixture-change";

    private static GraphDocument replay() throws IOException {
        ChangeGraph graph = new ChangeGraph(new Session("fixture", "host", "root", 1, List.of("sh"),
                Instant.EPOCH, null));
        Consumer consumer = new Consumer(graph::apply, 0, pid -> "/usr/sbin/outside");
        try (InputStream in = RecordedChangeReplayTest.class.getResourceAsStream("/fixtures/sed-mv-chmod-rm.bin");
             RecordStreamReader reader = new RecordStreamReader(in)) {
            for (Optional<MemorySegment> r = reader.next(); r.isPresent(); r = reader.next()) {
                consumer.accept(r.get());
            }
        }
        assertThat(consumer.stats().droppedUser()).isZero();
        return graph.snapshot();
    }

    @Test
    void replay_sedThenMvThenChmodThenRm_readsAsTheChangeItWas() throws IOException {
        GraphDocument g = replay();
        ProcessNode sed = process(g, "sed");
        FileNode conf = g.nodes().stream().filter(FileNode.class::isInstance).map(FileNode.class::cast)
                .filter(f -> f.paths().contains(DIR + "/etc/app.conf")).findFirst().orElseThrow();
        // the sed temp file was renamed over app.conf, then moved into etc/
        assertThat(conf.paths()).hasSize(3);
        assertThat(conf.paths().getFirst()).startsWith(DIR + "/sed");
        assertThat(conf.paths().subList(1, 3)).containsExactly(DIR + "/app.conf", DIR + "/etc/app.conf");
        assertThat(verbs(g, sed, conf)).contains(Verb.CREATE, Verb.WRITE, Verb.RENAME);
        FileNode original = g.nodes().stream().filter(FileNode.class::isInstance).map(FileNode.class::cast)
                .filter(f -> f.paths().equals(List.of(DIR + "/app.conf"))).findFirst().orElseThrow();
        assertThat(original.replaced()).isTrue();
        assertThat(verbs(g, sed, original)).contains(Verb.READ);
        assertThat(verbs(g, process(g, "mv"), conf)).contains(Verb.RENAME);
        assertThat(edge(g, process(g, "chmod"), conf, Verb.CHMOD).details()).containsExactly("0640");
        assertThat(verbs(g, process(g, "cat"), conf)).contains(Verb.OPEN, Verb.READ);
        assertThat(verbs(g, process(g, "rm"), conf)).contains(Verb.UNLINK);
        assertThat(g.edges()).anySatisfy(e -> {
            assertThat(e.verb()).isEqualTo(Verb.RMDIR);
            assertThat(((FileNode) node(g, e.target())).path()).isEqualTo(DIR + "/etc");
        });
    }

    @Test
    void replay_isDeterministic_sameJsonTwice() throws IOException {
        assertThat(GraphJson.toJson(replay())).isEqualTo(GraphJson.toJson(replay()));
    }

    private static ProcessNode process(GraphDocument g, String exeName) {
        List<ProcessNode> found = g.nodes().stream().filter(ProcessNode.class::isInstance).map(ProcessNode.class::cast)
                .filter(p -> p.exe().endsWith("/" + exeName)).toList();
        assertThat(found).as(exeName).hasSize(1);
        return found.getFirst();
    }

    private static Node node(GraphDocument g, String id) {
        return g.nodes().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    }

    private static List<Verb> verbs(GraphDocument g, Node from, Node to) {
        return g.edges().stream().filter(e -> e.source().equals(from.id()) && e.target().equals(to.id()))
                .map(Edge::verb).toList();
    }

    private static Edge edge(GraphDocument g, Node from, Node to, Verb verb) {
        return g.edges().stream().filter(e -> e.source().equals(from.id()) && e.target().equals(to.id())
                && e.verb() == verb).findFirst().orElseThrow();
    }
}
