package io.changegraph.controller;

import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.store.SessionRecord;
import io.changegraph.repository.store.SessionStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real agent (bin/changegraph agent) on a temporary socket and store, and sessions run against it. */
final class AgentProcess implements AutoCloseable {
    private static final Pattern SESSION_ID = Pattern.compile("session is recorded \\(session ([^)]+)\\)");
    final Path dir;
    final Path config;
    final Path socket;
    final SessionStore store;
    final Path log;
    private Process agent;
    private int starts;

    AgentProcess(Path dir, String extraConfig) throws IOException {
        this.dir = dir;
        this.socket = dir.resolve("run/agent.sock");
        this.store = new SessionStore(dir.resolve("store"));
        this.config = Files.writeString(dir.resolve("config.yaml"), "socket: " + socket + "\nstore: " + store.root()
                + "\n" + extraConfig);
        this.log = dir.resolve("agent.log");
        // the directory must be reachable by the unprivileged test user
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    AgentProcess start() throws IOException, InterruptedException {
        return start(Map.of());
    }

    /** Starts the agent with extra environment variables. */
    AgentProcess start(Map<String, String> env) throws IOException, InterruptedException {
        starts++;
        ProcessBuilder builder = new ProcessBuilder(Recording.launcher().toString(), "agent", "--config", config.toString());
        builder.environment().putAll(env);
        agent = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        int expected = starts;
        await("agent ready (" + log() + ")", () -> countInLog("agent ready") >= expected, 60);
        return this;
    }

    long pid() {
        return agent.pid();
    }

    void kill9() throws InterruptedException {
        agent.destroyForcibly();
        agent.waitFor(10, TimeUnit.SECONDS);
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    private long countInLog(String text) {
        return log().lines().filter(l -> l.contains(text)).count();
    }

    /** {@code changegraph session -- COMMAND} (or with SSH_ORIGINAL_COMMAND in {@code env}), as a user would. */
    ProcessBuilder sessionBuilder(Map<String, String> env, String... command) {
        List<String> argv = new ArrayList<>(List.of(Recording.launcher().toString(), "session"));
        if (command.length > 0) {
            argv.add("--");
            argv.addAll(List.of(command));
        }
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("CHANGEGRAPH_CONFIG", config.toString());
        pb.environment().putAll(env);
        return pb;
    }

    /** Runs a session to its end; returns its exit status, stdout and stderr. */
    Result session(Map<String, String> env, String... command) throws IOException, InterruptedException {
        return run(sessionBuilder(env, command));
    }

    static Result run(ProcessBuilder pb) throws IOException, InterruptedException {
        Path out = Files.createTempFile("cg-out", ".txt");
        Path err = Files.createTempFile("cg-err", ".txt");
        try {
            if (pb.redirectInput() == ProcessBuilder.Redirect.PIPE) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("did not finish within 120 s: " + pb.command());
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    record Result(int exitCode, String stdout, String stderr) {
        /** The id from the "this session is recorded" notice. */
        String sessionId() {
            Matcher m = SESSION_ID.matcher(stderr + stdout);   // on a terminal, stderr shares stdout
            if (!m.find()) {
                throw new AssertionError("no session notice in stderr: " + stderr);
            }
            return m.group(1);
        }
    }

    SessionRecord record(String id) {
        return store.read(id).orElseThrow(() -> new AssertionError("no session " + id + " in the store"));
    }

    /** Waits until the session has ended in the store, then rebuilds its graph from the journal. */
    GraphDocument endedGraph(String id) throws IOException, InterruptedException {
        await("session " + id + " ended", () -> store.read(id).map(r -> r.state() != SessionRecord.State.LIVE)
                .orElse(false), 30);
        return store.rebuild(record(id), w -> { });
    }

    GraphDocument graphFile(String id) {
        return GraphJson.read(store.graph(id));
    }

    static void await(String what, BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (agent != null && agent.isAlive()) {
            agent.destroy();
            if (!agent.waitFor(20, TimeUnit.SECONDS)) {
                agent.destroyForcibly();
            }
        }
    }
}
