package io.changegraph.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileEffect;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Ids;
import io.changegraph.repository.model.LeftRunning;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.model.Summary;
import io.changegraph.repository.model.SummaryBehaviour;
import io.changegraph.repository.model.Verb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** changegraph show's default output: the summary and the per-command timeline. */
class TimelineTest {
    private static final Instant T0 = Instant.parse("2026-11-21T20:00:00Z");

    private static ProcessNode process(int pid, int ppid, long startMillis, Long endMillis, Integer exit, String... argv) {
        return new ProcessNode(pid, pid * 1000L, ppid, "/usr/bin/" + argv[0], List.of(argv), "/root", 0, 0, exit, null, true,
                T0.plusMillis(startMillis), endMillis == null ? null : T0.plusMillis(endMillis));
    }

    private static Edge spawn(Node parent, Node child) {
        return new Edge(parent.id(), child.id(), Verb.SPAWN, 1, 0, 0, T0, T0, List.of());
    }

    private static final ProcessNode DEPLOY = process(100, 1, 0, 4_500L, 0, "bash", "deploy.sh");
    private static final ProcessNode DPKG = process(110, 100, 120, 1_900L, 0, "dpkg", "-i", "myapp.deb");
    private static final ProcessNode USERADD = process(120, 100, 2_000, 2_100L, 0, "useradd", "--system", "myapp");
    private static final ProcessNode DAEMON = process(140, 100, 3_000, null, null, "python3", "-m", "http.server");

    private static GraphDocument graph() {
        List<Node> nodes = new ArrayList<>(List.of(DEPLOY, DPKG, USERADD, DAEMON));
        List<Edge> edges = new ArrayList<>(List.of(spawn(DEPLOY, DPKG), spawn(DEPLOY, USERADD), spawn(DEPLOY, DAEMON)));
        for (int i = 0; i < 6; i++) {  // useradd's helpers: alike and quiet
            ProcessNode helper = process(121 + i, 120, 2_010 + i, 2_011L + i, 127, "useradd", "--system", "myapp");
            nodes.add(helper);
            edges.add(spawn(USERADD, helper));
        }
        FileNode conf = new FileNode(Ids.file("/etc/passwd", 0), "/etc/passwd", List.of("/etc/passwd"), 1, true, false);
        nodes.add(conf);
        edges.add(new Edge(USERADD.id(), conf.id(), Verb.RENAME, 1, 0, 0, T0, T0, List.of()));
        Summary summary = new Summary(
                List.of(new SummaryBehaviour("package.install", "myapp", "1.0-1", List.of(DPKG.id()), List.of()),
                        new SummaryBehaviour("user.add", "myapp", "", List.of(USERADD.id()), List.of())),
                List.of(new FileEffect("/etc/passwd", "replaced", null, "0644", null, USERADD.id(), "useradd --system myapp",
                        2, List.of())),
                List.of(), List.of(new LeftRunning(DAEMON.id(), 140, "python3 -m http.server")), Map.of());
        return new GraphDocument(new Session("s-1", "web01", "root", 100, List.of("bash", "deploy.sh"), T0, T0.plusSeconds(5)),
                Stats.EMPTY, nodes.stream().sorted(Comparator.comparing(Node::id)).toList(),
                edges.stream().sorted(Comparator.comparing(Edge::key)).toList(), List.of(), summary);
    }

    @Test
    void timeline_listsCommandsInStartOrder_indentedUnderTheirParent_withWhatTheyDid() {
        GraphDocument graph = graph();
        String text = Timeline.text(graph, graph.summary());

        assertThat(text).startsWith("timeline (10 commands, from 20:00:00.000 UTC)\n");
        List<String> lines = text.lines().toList();
        assertThat(lines.get(1)).isEqualTo("    +0.000s  [100] bash deploy.sh  (exit 0, 4.5 s)");
        assertThat(lines.get(2)).isEqualTo("    +0.120s    [110] dpkg -i myapp.deb  (exit 0, 1.8 s)");
        assertThat(lines.get(3)).isEqualTo("                 → package.install myapp");
        assertThat(lines.get(4)).isEqualTo("    +2.000s    [120] useradd --system myapp  (exit 0, 100 ms)");
        assertThat(lines).contains("                 → user.add myapp", "                 → replaced /etc/passwd",
                "    +2.010s      [121] useradd --system myapp  ×6  (exit 127, 1 ms)",
                "    +3.000s    [140] python3 -m http.server  (still running)");
    }

    @Test
    void show_printsTheSummaryThenTheTimeline() {
        String text = ShowCommand.summary(GraphJson.toJson(graph()));

        assertThat(text).startsWith("changegraph summary: bash deploy.sh");
        assertThat(text.indexOf("left running")).isGreaterThan(0).isLessThan(text.indexOf("timeline ("));
        assertThat(text).contains("[140] python3 -m http.server  (still running)");
    }

    /** Not a test of behaviour: prints the real deploy's output when its recording is at hand (manual check). */
    static void main(String[] args) throws Exception {
        System.out.print(ShowCommand.summary(Files.readString(Path.of(args[0]))));
    }
}
