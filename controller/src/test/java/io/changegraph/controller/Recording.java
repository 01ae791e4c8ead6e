package io.changegraph.controller;

import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Verb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs bin/changegraph as a user would and gives the resulting graph a small query vocabulary. */
final class Recording {
    final int exitCode;
    final String stdout;
    final String stderr;
    final GraphDocument graph;
    private final Map<String, Node> byId;

    private Recording(int exitCode, String stdout, String stderr, GraphDocument graph) {
        this.exitCode = exitCode;
        this.stdout = stdout;
        this.stderr = stderr;
        this.graph = graph;
        this.byId = graph == null ? Map.of()
                : graph.nodes().stream().collect(Collectors.toMap(Node::id, Function.identity()));
    }

    static Path launcher() {
        String configured = System.getenv("CHANGEGRAPH_LAUNCHER");
        return configured != null ? Path.of(configured) : Path.of("../bin/changegraph").toAbsolutePath();
    }

    /** Runs {@code changegraph ARGS...}; reads the graph from {@code output} when it exists. */
    static Recording run(Path output, String... args) throws IOException, InterruptedException {
        return run(Map.of(), output, args);
    }

    /** The same with extra environment variables for changegraph (and so for the recorded command). */
    static Recording run(Map<String, String> env, Path output, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(launcher().toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile("cg-stdout", ".txt");
        Path err = Files.createTempFile("cg-stderr", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(env);
            Process p = builder.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("changegraph did not finish within 120 s: " + command);
            }
            GraphDocument graph = output != null && Files.exists(output) ? GraphJson.read(output) : null;
            return new Recording(p.exitValue(), Files.readString(out), Files.readString(err), graph);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Records {@code bash -c script} into a fresh file and checks that the recording itself worked. */
    static Recording bash(Path dir, String script, String... extraOptions) throws IOException, InterruptedException {
        Path output = dir.resolve("graph.json");
        List<String> args = new ArrayList<>(List.of("record", "-o", output.toString()));
        args.addAll(List.of(extraOptions));
        args.addAll(List.of("--", "/bin/bash", "-c", script));
        Recording r = run(output, args.toArray(String[]::new));
        assertThat(r.graph).as("graph written; stderr: %s", r.stderr).isNotNull();
        assertThat(r.graph.stats().lostKernel()).as("lost in kernel").isZero();
        assertThat(r.graph.stats().droppedUser()).as("dropped in user space").isZero();
        return r;
    }

    List<ProcessNode> processes() {
        return graph.nodes().stream().filter(ProcessNode.class::isInstance).map(ProcessNode.class::cast).toList();
    }

    /** Processes whose last exec was {@code exeName} (basename). */
    List<ProcessNode> processes(String exeName) {
        return processes().stream().filter(p -> Path.of(p.exe().isEmpty() ? "/" : p.exe()).getFileName() != null
                && p.exe().endsWith("/" + exeName)).toList();
    }

    ProcessNode process(String exeName) {
        List<ProcessNode> found = processes(exeName);
        assertThat(found).as("exactly one %s process in %s", exeName, processes().stream().map(ProcessNode::exe).toList())
                .hasSize(1);
        return found.getFirst();
    }

    Optional<ProcessNode> root() {
        return processes().stream().filter(p -> p.pid() == graph.session().rootPid()).findFirst();
    }

    List<Edge> edges(Node from, Verb verb) {
        return graph.edges().stream().filter(e -> e.source().equals(from.id()) && e.verb() == verb).toList();
    }

    List<Edge> edgesTo(Node to) {
        return graph.edges().stream().filter(e -> e.target().equals(to.id())).toList();
    }

    Node target(Edge e) {
        return byId.get(e.target());
    }

    Node source(Edge e) {
        return byId.get(e.source());
    }

    Optional<FileNode> file(String path) {
        return graph.nodes().stream().filter(FileNode.class::isInstance).map(FileNode.class::cast)
                .filter(f -> f.path().equals(path)).findFirst();
    }

    List<FileNode> files() {
        return graph.nodes().stream().filter(FileNode.class::isInstance).map(FileNode.class::cast).toList();
    }

    List<RemoteNode> remotes() {
        return graph.nodes().stream().filter(RemoteNode.class::isInstance).map(RemoteNode.class::cast).toList();
    }

    /** The edge {@code process -verb-> file at path}, which must exist. */
    Edge edge(ProcessNode from, Verb verb, String path) {
        return edges(from, verb).stream().filter(e -> target(e) instanceof FileNode f
                        && (f.path().equals(path) || f.paths().contains(path))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + verb.wireName() + " edge from " + from.exe() + " to "
                        + path + "; its edges: " + describe(from)));
    }

    String describe(ProcessNode p) {
        return graph.edges().stream().filter(e -> e.source().equals(p.id()))
                .map(e -> e.verb().wireName() + " " + label(target(e)) + " x" + e.count() + (e.failed() > 0
                        ? " failed " + e.failed() : "")).collect(Collectors.joining("\n  ", "\n  ", ""));
    }

    static String label(Node n) {
        return switch (n) {
            case ProcessNode p -> "process " + p.pid() + " " + p.exe();
            case FileNode f -> f.path();
            case RemoteNode r -> r.family() + " " + r.address() + ":" + r.port();
            default -> n.id();
        };
    }
}
