package io.changegraph.controller;

import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Verb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The offline commands as a user runs them (bin/changegraph and the jar): exit codes and one-line errors. */
class CliInputIT {
    @TempDir
    Path dir;

    private Path graph(String name, String unlinked) {
        ChangeGraph g = new ChangeGraph(new Session(name, "host", "ops", 10, List.of("bash"), Instant.EPOCH, null));
        ProcessNode bash = new ProcessNode(10, 1, 1, "/usr/bin/bash", List.of("bash"), "/root", 0, 0, null, null, true,
                Instant.EPOCH, null);
        ProcessNode rm = new ProcessNode(11, 2, 10, "/usr/bin/rm", List.of("rm", unlinked), "/root", 0, 0, 0, null, true,
                Instant.EPOCH, null);
        g.apply(Event.once(Instant.EPOCH, bash, Verb.SPAWN, rm, false, null));
        g.apply(Event.once(Instant.EPOCH.plusSeconds(1), rm, Verb.UNLINK, FileRef.of(unlinked), false, null));
        Path file = dir.resolve(name + ".json");
        GraphJson.write(g.snapshot(), file);
        return file;
    }

    private static void assertOneLineError(Recording r, String contains) {
        assertThat(r.exitCode).as(r.stderr).isEqualTo(2);
        assertThat(r.stderr.strip()).doesNotContain("\n").doesNotContain("Exception").contains(contains);
    }

    @Test
    void diff_badInputs_areOneLineExit2_sameGraphsExit0() throws Exception {
        Path good = graph("a", "/tmp/x");
        Path notGraph = Files.writeString(dir.resolve("other.json"), "{\"name\": \"not a graph\"}");
        Path corrupt = Files.writeString(dir.resolve("corrupt.json"), "{\"schema\": \"changegraph/v1\", ");
        Path v2 = Files.writeString(dir.resolve("v2.json"), Files.readString(good).replace("changegraph/v1", "changegraph/v2"));
        assertOneLineError(Recording.run(null, "diff", good.toString(), dir.resolve("missing.json").toString()), "missing.json");
        assertOneLineError(Recording.run(null, "diff", good.toString(), notGraph.toString()), "other.json");
        assertOneLineError(Recording.run(null, "diff", good.toString(), corrupt.toString()), "corrupt.json");
        assertOneLineError(Recording.run(null, "diff", good.toString(), v2.toString()), "changegraph/v2");
        assertThat(Recording.run(null, "diff", good.toString(), graph("b", "/tmp/x").toString()).exitCode).isZero();
        assertThat(Recording.run(null, "diff", good.toString(), graph("c", "/tmp/y").toString()).exitCode).isEqualTo(1);
    }

    @Test
    void rulesCheck_shippedRulesAreValid_aBrokenFileIsLocated() throws Exception {
        Path shipped = Recording.launcher().getParent().getParent().resolve("rules.yaml");
        Recording ok = Recording.run(null, "rules", "check", shipped.toString());
        assertThat(ok.exitCode).as(ok.stderr).isZero();
        assertThat(ok.stdout.strip()).doesNotContain("\n").isNotEmpty();
        Path broken = Files.writeString(dir.resolve("broken.yaml"),
                "version: 1\nrules:\n  - id: x\n    severity: loud\n    verbz: [unlink]\n");
        Recording bad = Recording.run(null, "rules", "check", broken.toString());
        assertThat(bad.exitCode).isEqualTo(2);
        assertThat(bad.stderr).contains("broken.yaml:4:").contains("broken.yaml:5:").doesNotContain("Exception");
    }

    @Test
    void check_graphWithADeleteUnderEtc_exits1_cleanGraphExits0() throws Exception {
        Path shipped = Recording.launcher().getParent().getParent().resolve("rules.yaml");
        Recording hit = Recording.run(null, "check", "--rules", shipped.toString(), graph("etc", "/etc/app.conf").toString());
        assertThat(hit.exitCode).as(hit.stdout + hit.stderr).isEqualTo(1);
        assertThat(hit.stdout).contains("system-file-delete").contains("/etc/app.conf");
        Recording clean = Recording.run(null, "check", "--rules", shipped.toString(), graph("tmp", "/tmp/x").toString());
        assertThat(clean.exitCode).as(clean.stdout + clean.stderr).isZero();
    }

    @Test
    void serve_offLoopbackWithoutAToken_refusesToStart() throws Exception {
        Recording r = Recording.run(null, "serve", "--bind", "0.0.0.0", "--port", "0", graph("s", "/tmp/x").toString());
        assertOneLineError(r, "token");
    }

    @Test
    void export_writesDotGraphmlAndCypher() throws Exception {
        Path g = graph("e", "/tmp/it's");
        assertThat(Recording.run(null, "export", g.toString(), "--format", "dot").stdout).contains("digraph");
        assertThat(Recording.run(null, "export", g.toString(), "--format", "graphml").stdout).contains("<graphml");
        assertThat(Recording.run(null, "export", g.toString(), "--format", "cypher").stdout).contains("MERGE")
                .contains("UNLINK");
        Recording bad = Recording.run(null, "export", g.toString(), "--format", "svg");
        assertThat(bad.exitCode).isEqualTo(2);
    }
}
