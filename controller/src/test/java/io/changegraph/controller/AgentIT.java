package io.changegraph.controller;

import io.changegraph.controller.cli.SessionCommand;
import io.changegraph.controller.os.CpuPlacement;
import io.changegraph.controller.os.Tracing;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.store.SessionRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent with real eBPF, a real Unix socket and real session processes (root, and a user made here). */
@Tag("kernel")
@ExtendWith(RequiresRoot.class)
class AgentIT {
    private static final String PYTHON = "/usr/bin/python3";
    /** A raw protocol client: sends argv[2] as it is and prints the answer. */
    private static final String RAW_CLIENT = "import socket, sys\n"
            + "s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.argv[2].encode())\n"
            + "s.shutdown(socket.SHUT_WR); data = b''\n"
            + "while True:\n    chunk = s.recv(65536)\n    if not chunk: break\n    data += chunk\n"
            + "print(data.decode().strip())\n";
    private static String user;

    @TempDir
    Path dir;

    @BeforeAll
    static void createUser() throws Exception {
        user = "cgtest" + (System.nanoTime() % 100000);
        run("useradd", "-m", "-s", "/bin/sh", user);
    }

    @AfterAll
    static void removeUser() throws Exception {
        if (user != null) {
            run("userdel", "-r", user);
        }
    }

    @Test
    void twentyConcurrentSessions_eachGraphHasOnlyItsOwnProcessesFilesAndRemotes() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        try (AgentProcess agent = new AgentProcess(dir, "").start()) {
            int n = 20;
            ExecutorService pool = Executors.newFixedThreadPool(n);
            List<Future<AgentProcess.Result>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int port = 40100 + i;
                String script = "echo " + i + " > " + work.resolve("mine-" + i) + "; cat " + work.resolve("mine-" + i)
                        + " > /dev/null; (exec 3<>/dev/tcp/127.0.0.1/" + port + ") 2>/dev/null; sleep 0.5; "
                        + "/bin/true unique-arg-" + i;
                results.add(pool.submit(() -> agent.session(Map.of(), "/bin/bash", "-c", script)));
            }
            List<String> ids = new ArrayList<>();
            for (Future<AgentProcess.Result> f : results) {
                AgentProcess.Result r = f.get(300, TimeUnit.SECONDS);
                assertThat(r.exitCode()).as(r.stderr()).isZero();
                ids.add(r.sessionId());
            }
            pool.shutdown();
            assertThat(new HashSet<>(ids)).hasSize(n);
            Map<String, Set<Integer>> pidsBySession = new java.util.HashMap<>();
            for (int i = 0; i < n; i++) {
                GraphDocument g = agent.endedGraph(ids.get(i));
                int mine = i;
                Set<String> files = g.nodes().stream().filter(FileNode.class::isInstance).map(FileNode.class::cast)
                        .flatMap(f -> f.paths().stream()).filter(p -> p.contains("mine-")).collect(Collectors.toSet());
                assertThat(files).as("session %d files", i).containsExactly(work.resolve("mine-" + i).toString());
                // unix remotes (e.g. glibc asking nscd) are host plumbing, not this session's TCP peer
                assertThat(g.nodes()).filteredOn(RemoteNode.class::isInstance).map(RemoteNode.class::cast)
                        .filteredOn(x -> x.family().equals("ipv4")).extracting(RemoteNode::port).as("session %d remotes", i).containsExactly(40100 + i);
                assertThat(processes(g)).anySatisfy(p -> assertThat(p.argv()).contains("unique-arg-" + mine));
                assertThat(processes(g)).allSatisfy(p -> assertThat(p.argv().stream()
                        .filter(a -> a.startsWith("unique-arg-"))).allMatch(a -> a.equals("unique-arg-" + mine)));
                pidsBySession.put(ids.get(i), processes(g).stream().filter(ProcessNode::followed)
                        .map(ProcessNode::pid).collect(Collectors.toSet()));
                assertThat(g.stats().droppedUser()).isZero();
            }
            Set<Integer> seen = new HashSet<>();
            pidsBySession.values().forEach(pids -> pids.forEach(pid ->
                    assertThat(seen.add(pid)).as("pid %d in two sessions", pid).isTrue()));
        }
    }

    @Test
    void agent_keepsItsThreadsOnTheLastCpu_theWatchdogFree_cpuNoneLeavesThemAll() throws Exception {
        String all = CpuPlacement.list(Tracing.allowedCpus());
        String last = Tracing.allowedCpus().cardinality() >= 2 ? Integer.toString(Tracing.allowedCpus().length() - 1) : all;
        try (AgentProcess agent = new AgentProcess(dir, "").start()) {
            // the watchdog lowers (and so pins) the ring-buffer thread at its first tick, 100 ms after start
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            Map<String, Set<String>> cpus = threadCpus(agent.pid());
            while (!cpus.get("changegraph-rin").equals(Set.of(last)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
                cpus = threadCpus(agent.pid());
            }
            assertThat(cpus.get("changegraph-rin")).as("the ring-buffer thread").containsExactly(last);
            assertThat(cpus.get("java")).as("the JVM's main threads").containsExactly(last);
            assertThat(cpus.get("changegraph-wat")).as("the watchdog").containsExactly(all);
        }
        try (AgentProcess agent = new AgentProcess(Files.createDirectories(dir.resolve("free")), "cpu: none\n").start()) {
            assertThat(threadCpus(agent.pid()).get("changegraph-rin")).containsExactly(all);
        }
    }

    /** thread name → the CPU lists (/proc's Cpus_allowed_list) of the threads of that name */
    private static Map<String, Set<String>> threadCpus(long pid) throws IOException {
        Map<String, Set<String>> cpus = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                String comm = Files.readString(task.resolve("comm")).strip();
                String list = Files.readAllLines(task.resolve("status")).stream()
                        .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow()
                        .substring("Cpus_allowed_list:".length()).strip();
                cpus.computeIfAbsent(comm, k -> new java.util.TreeSet<>()).add(list);
            }
        }
        return cpus;
    }

    @Test
    void sshOriginalCommand_isRecordedAsTheSessionCommand_withClientAndEvents() throws Exception {
        Path out = dir.resolve("via-ssh");
        try (AgentProcess agent = new AgentProcess(dir, "").start()) {
            AgentProcess.Result r = agent.session(Map.of("SSH_ORIGINAL_COMMAND", "echo remote > " + out,
                    "SSH_CONNECTION", "192.0.2.7 50022 192.0.2.1 22"));
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(out).hasContent("remote");
            String id = r.sessionId();
            GraphDocument g = agent.endedGraph(id);
            SessionRecord record = agent.record(id);
            String shell = SessionCommand.loginShell(0);
            List<String> expected = List.of(Path.of(shell).getFileName().toString(), "-c", "echo remote > " + out);
            assertThat(record.command()).isEqualTo(expected);
            assertThat(record.client()).isEqualTo("192.0.2.7 50022 192.0.2.1 22");
            assertThat(record.user()).isEqualTo("root");
            assertThat(record.state()).isEqualTo(SessionRecord.State.ENDED);
            ProcessNode root = processes(g).stream().filter(p -> p.pid() == record.rootPid()).findFirst().orElseThrow();
            assertThat(root.exe()).isEqualTo(shell);
            assertThat(root.argv()).isEqualTo(expected);
            assertThat(g.nodes()).filteredOn(FileNode.class::isInstance).map(FileNode.class::cast)
                    .extracting(FileNode::path).contains(out.toString());
            // the graph file for the viewer is the journal's graph
            assertThat(agent.graphFile(id).nodes()).isEqualTo(g.nodes());
            // show through the CLI, as root
            AgentProcess.Result shown = AgentProcess.run(cli(agent, "show", id, "--format", "dot"));
            assertThat(shown.exitCode()).as(shown.stderr()).isZero();
            assertThat(shown.stdout()).startsWith("digraph").contains(out.toString());
            AgentProcess.Result listed = AgentProcess.run(cli(agent, "sessions"));
            assertThat(listed.stdout()).contains(id).contains("192.0.2.7").contains("ended");
        }
    }

    @Test
    void scpLikeCommand_getsNoNotice_butIsRecorded() throws Exception {
        try (AgentProcess agent = new AgentProcess(dir, "").start()) {
            AgentProcess.Result r = agent.session(Map.of("SSH_ORIGINAL_COMMAND", "scp -V 2>/dev/null; true"));
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stderr()).doesNotContain("changegraph");
            AgentProcess.await("a session", () -> agent.store.list(p -> { }).size() == 1, 20);
            assertThat(agent.store.list(p -> { }).getFirst().command()).last().isEqualTo("scp -V 2>/dev/null; true");
        }
    }

    @Test
    void nonRootUser_registersOwnShell_isRefusedOthersPids_andSeesOnlyOwnSessions() throws Exception {
        Path out = dir.resolve("user-file");
        try (AgentProcess agent = new AgentProcess(dir, "").start()) {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            // the user's own login through the wrapper
            AgentProcess.Result session = AgentProcess.run(asUser(agent, Recording.launcher().toString(), "session",
                    "--", "/bin/sh", "-c", "id -u > " + out));
            assertThat(session.exitCode()).as(session.stderr()).isZero();
            String id = session.sessionId();
            GraphDocument g = agent.endedGraph(id);
            SessionRecord record = agent.record(id);
            assertThat(record.user()).isEqualTo(user);
            assertThat(record.uid()).isEqualTo(Integer.parseInt(Files.readString(out).strip()));
            assertThat(g.nodes()).filteredOn(FileNode.class::isInstance).map(FileNode.class::cast)
                    .extracting(FileNode::path).contains(out.toString());

            // its parent shell ($$ of sh, which runs python as a child) is accepted
            String own = raw(agent, "sh", "-c", PYTHON + " -c \"$0\" " + agent.socket
                    + " '{\"op\":\"register\",\"pid\":'$$'}'; true", RAW_CLIENT);
            assertThat(own).contains("\"ok\":true").contains("\"session\"");

            // root's process (the agent, pid 1) is refused, with a reason and a log line
            String agentPid = raw(agent, PYTHON, "-c", RAW_CLIENT, agent.socket.toString(),
                    "{\"op\":\"register\",\"pid\":" + agent.pid() + "}");
            assertThat(agentPid).contains("\"ok\":false").contains("neither the caller");
            String init = raw(agent, "sh", "-c", PYTHON + " -c \"$0\" " + agent.socket
                    + " '{\"op\":\"register\",\"pid\":1}'", RAW_CLIENT);
            assertThat(init).contains("\"ok\":false");
            assertThat(agent.log()).contains("refused request");

            // a root session exists; the user sees only their own, and cannot read root's
            AgentProcess.Result rootSession = agent.session(Map.of(), "/bin/true");
            String rootId = rootSession.sessionId();
            agent.endedGraph(rootId);
            String listed = raw(agent, PYTHON, "-c", RAW_CLIENT, agent.socket.toString(), "{\"op\":\"sessions\"}");
            assertThat(listed).contains(id).doesNotContain(rootId);
            String stolen = raw(agent, PYTHON, "-c", RAW_CLIENT, agent.socket.toString(),
                    "{\"op\":\"show\",\"id\":\"" + rootId + "\"}");
            assertThat(stolen).contains("\"ok\":false").contains("no session");
            // there is no way to stop a session
            String stop = raw(agent, PYTHON, "-c", RAW_CLIENT, agent.socket.toString(),
                    "{\"op\":\"unregister\",\"id\":\"" + id + "\"}");
            assertThat(stop).contains("\"ok\":false").contains("unknown op");
            // the CLI as the user says the same
            AgentProcess.Result show = AgentProcess.run(asUser(agent, Recording.launcher().toString(), "show", rootId));
            assertThat(show.exitCode()).isEqualTo(2);
            assertThat(show.stderr().strip()).doesNotContain("\n").contains("no session");
            // the store itself is closed to users
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(agent.store.root()))).isEqualTo("rwx------");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(agent.socket))).isEqualTo("rw-rw-rw-");
        }
    }

    @Test
    void malformedRequests_getOneLineErrors_andTheAgentKeepsServing() throws Exception {
        try (AgentProcess agent = new AgentProcess(dir, "").start()) {
            String sock = agent.socket.toString();
            assertThat(raw(agent, PYTHON, "-c", RAW_CLIENT, sock, "this is not json\n"))
                    .contains("\"ok\":false").contains("malformed request");
            assertThat(raw(agent, PYTHON, "-c", RAW_CLIENT, sock, "[1,2]\n")).contains("malformed request");
            assertThat(raw(agent, PYTHON, "-c", RAW_CLIENT, sock, "{\"op\":\"register\",\"pid\":\"x\"}\n"))
                    .contains("register needs");
            assertThat(raw(agent, PYTHON, "-c", RAW_CLIENT, sock, "{\"op\":\"show\",\"id\":\"../../etc/passwd\"}\n"))
                    .contains("no session");
            assertThat(raw(agent, PYTHON, "-c", RAW_CLIENT, sock, "x".repeat(100_000)))
                    .contains("longer than 65536 bytes");
            AgentProcess.Result r = agent.session(Map.of(), "/bin/true");
            assertThat(r.exitCode()).isZero();
            agent.endedGraph(r.sessionId());
            assertThat(agent.log()).contains("malformed request");
        }
    }

    @Test
    void agentKilledMidSession_restart_keepsFlushedEvents_resumesLiveSession_andInterruptsEndedOne() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path stop = work.resolve("stop");
        Path release = work.resolve("release");
        try (AgentProcess agent = new AgentProcess(dir, "").start()) {
            // a long session: writes before-N files until told to stop, then after-N files
            Process longSession = agent.sessionBuilder(Map.of(), "/bin/bash", "-c",
                    "i=0; while [ ! -e " + stop + " ]; do i=$((i+1)); echo $i > " + work + "/before-$i; sleep 0.1; done;"
                            + " for j in 1 2 3; do echo $j > " + work + "/after-$j; done")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("long.out").toFile()).start();
            // a short one that ends while the agent is down
            Process shortSession = agent.sessionBuilder(Map.of(), "/bin/bash", "-c",
                    "echo s > " + work + "/short-before; while [ ! -e " + release + " ]; do sleep 0.05; done")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("short.out").toFile()).start();
            AgentProcess.await("two sessions", () -> agent.store.list(p -> { }).size() == 2, 60);
            AgentProcess.await("some flushed events", () -> Files.exists(work.resolve("before-15"))
                    && agent.store.list(p -> { }).stream().allMatch(r -> r.stats().events() > 0), 60);
            Thread.sleep(1500);   // at least one flush after before-15 was written
            agent.kill9();
            Files.writeString(release, "");
            assertThat(shortSession.waitFor(30, TimeUnit.SECONDS)).isTrue();
            agent.start();
            Files.writeString(stop, "");
            assertThat(longSession.waitFor(60, TimeUnit.SECONDS)).isTrue();

            Map<Long, SessionRecord> byPid = agent.store.list(p -> { }).stream()
                    .collect(Collectors.toMap(r -> (long) r.rootPid(), r -> r));
            String longId = byPid.get(longSession.pid()).id();
            String shortId = byPid.get(shortSession.pid()).id();
            GraphDocument resumed = agent.endedGraph(longId);
            assertThat(agent.record(longId).resumed()).isEqualTo(1);
            assertThat(agent.record(longId).state()).isEqualTo(SessionRecord.State.ENDED);
            Set<String> paths = filePaths(resumed);
            assertThat(paths).contains(work + "/before-1", work + "/before-10", work + "/after-1", work + "/after-3");

            SessionRecord interrupted = agent.record(shortId);
            assertThat(interrupted.state()).isEqualTo(SessionRecord.State.INTERRUPTED);
            assertThat(interrupted.ended()).isNotNull();
            assertThat(filePaths(agent.store.rebuild(interrupted, w -> { }))).contains(work + "/short-before");
            assertThat(agent.log()).contains("session " + shortId + " was interrupted")
                    .contains("session " + longId + " resumed");
        }
    }

    @Test
    void diskFull_isOneLogLine_theSessionGoesOn_andNothingIsLostOnceSpaceIsBack() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path store = Files.createDirectories(dir.resolve("store"));
        run("mount", "-t", "tmpfs", "-o", "size=64m,mode=0700", "tmpfs", store.toString());
        try (AgentProcess agent = new AgentProcess(dir, "").start()) {
            Path go = work.resolve("go");
            Path stop = work.resolve("stop");
            Process session = agent.sessionBuilder(Map.of(), "/bin/bash", "-c",
                    "while [ ! -e " + go + " ]; do sleep 0.05; done; i=0; while [ ! -e " + stop + " ]; do i=$((i+1));"
                            + " echo $i > " + work + "/full-$i; sleep 0.1; done")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("session.out").toFile()).start();
            AgentProcess.await("the session", () -> agent.store.list(p -> { }).size() == 1, 60);
            Path filler = store.resolve("filler");
            run("sh", "-c", "dd if=/dev/zero of=" + filler + " bs=4k 2>/dev/null; true");
            Files.writeString(go, "");
            AgentProcess.await("the disk-full log line", () -> agent.log().contains("cannot write its journal"), 30);
            Thread.sleep(1500);
            long files = Files.list(work).filter(p -> p.getFileName().toString().startsWith("full-")).count();
            Files.delete(filler);
            AgentProcess.await("writes working again", () -> agent.log().contains("journal writes work again"), 30);
            Files.writeString(stop, "");
            assertThat(session.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String id = agent.store.list(p -> { }).getFirst().id();
            Set<String> paths = filePaths(agent.endedGraph(id));
            for (long i = 1; i <= files; i++) {
                assertThat(paths).contains(work + "/full-" + i);
            }
            assertThat(agent.log().lines().filter(l -> l.contains("cannot write its journal")).count()).isEqualTo(1);
            AgentProcess.Result after = agent.session(Map.of(), "/bin/true");
            assertThat(after.exitCode()).isZero();
            assertThat(after.stderr()).contains("this session is recorded");
        } finally {
            run("umount", "-l", store.toString());
        }
    }

    @Test
    void rules_annotateTheSessionGraph_alertLiveInTheLog_andOldSessionsArePrunedAtStart() throws Exception {
        Path alertLog = dir.resolve("alerts.jsonl");
        Path rules = Files.writeString(dir.resolve("rules.yaml"), "version: 1\nalerts:\n  log: " + alertLog
                + "\n  outbox: " + dir.resolve("outbox") + "\nrules:\n  - id: work-delete\n"
                + "    severity: warning\n    verbs: [unlink]\n    object:\n      path: [\"" + dir + "/work/**\"]\n");
        Path victim = Files.writeString(Files.createDirectories(dir.resolve("work")).resolve("victim"), "x");
        // an ended session older than the retention, left by an earlier agent
        io.changegraph.repository.store.SessionStore store = new io.changegraph.repository.store.SessionStore(
                dir.resolve("store")).create();
        java.time.Instant old = java.time.Instant.now().minus(java.time.Duration.ofDays(3));
        String oldId = store.newId("h", 1, old);
        store.write(new SessionRecord(oldId, "h", "root", 0, 1, 1, "", "", List.of("sh"), old, old.plusSeconds(1),
                SessionRecord.State.ENDED, io.changegraph.repository.model.Stats.EMPTY, 0));
        try (AgentProcess agent = new AgentProcess(dir, "rules: " + rules + "\nretention_days: 2\n").start()) {
            assertThat(store.read(oldId)).isEmpty();
            assertThat(agent.log()).contains("pruned 1 session(s) older than 2 days");
            String id = agent.session(Map.of(), "/bin/rm", victim.toString()).sessionId();
            agent.endedGraph(id);
            assertThat(agent.graphFile(id).alerts()).extracting(a -> a.ruleId()).containsExactly("work-delete");
            // the live path: the agent's monitor wrote the hit to the alert log (and would mail it)
            assertThat(alertLog).content().contains("work-delete").contains(victim.toString());
            AgentProcess.Result shown = AgentProcess.run(cli(agent, "show", id, "--format", "json"));
            assertThat(io.changegraph.repository.formats.GraphJson.fromJson(shown.stdout()).alerts()).hasSize(1);
        }
    }

    @Test
    void netwatchOn_refusedConnectOfAnyProcess_isAJsonLineInTheStore() throws Exception {
        AgentProcess agent = refusedCurlInNetwatch("netwatch: true\nnetwatch_interval: 1\n");
        assertThat(agent.log()).contains("netwatch: TCP anomalies of every process every 1 s in "
                + dir.resolve("store/netwatch.jsonl")).doesNotContain("no DNS names");
    }

    @Test
    void netwatchWithoutPayloadCapture_leavesDnsOut_andStillSeesTheRefusal() throws Exception {
        AgentProcess agent = refusedCurlInNetwatch("netwatch: true\nnetwatch_interval: 1\npayload_bytes: 0\n");
        assertThat(agent.log()).contains("netwatch: TCP anomalies of every process every 1 s in "
                + dir.resolve("store/netwatch.jsonl") + " (no DNS names: payload_bytes is 0)");
    }

    /** Starts an agent with {@code config}, waits for its netwatch's refusal line of a curl no session follows. */
    private AgentProcess refusedCurlInNetwatch(String config) throws Exception {
        try (AgentProcess agent = new AgentProcess(dir, config).start();
             java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            int closed = probe.getLocalPort();
            probe.close();
            Path lines = dir.resolve("store/netwatch.jsonl");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < until && !(Files.exists(lines) && Files.readString(lines).contains("interval"))) {
                Thread.sleep(100);   // the first interval line: the probes are attached
            }
            run("bash", "-c", "curl -s -m 2 http://127.0.0.1:" + closed + "/; true");   // no session follows it
            String want = "\"destination\":\"127.0.0.1:" + closed + "\"";
            while (System.nanoTime() < until && !Files.readString(lines).contains(want)) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(lines)).as(agent.log()).contains(want).contains("\"refused\":1");
            return agent;
        }
    }

    @Test
    void tornJournalTail_isIgnoredWithAWarning_andTheSessionStillShows() throws Exception {
        Path out = dir.resolve("torn-file");
        try (AgentProcess agent = new AgentProcess(dir, "").start()) {
            String id = agent.session(Map.of(), "/bin/sh", "-c", "echo x > " + out).sessionId();
            GraphDocument before = agent.endedGraph(id);
            Files.writeString(agent.store.journal(id), "{\"bytes\":0,\"count\":1,\"deta", StandardOpenOption.APPEND);
            AgentProcess.Result shown = AgentProcess.run(cli(agent, "show", id, "--format", "json"));
            assertThat(shown.exitCode()).as(shown.stderr()).isZero();
            GraphDocument after = io.changegraph.repository.formats.GraphJson.fromJson(shown.stdout());
            assertThat(after.nodes()).isEqualTo(before.nodes());
            assertThat(after.edges()).isEqualTo(before.edges());
            assertThat(agent.log()).contains("torn last record").contains(id);
        }
    }

    @Test
    void agentDown_loginGoesOnWithAWarning_orIsDeniedWhenFailClosed() throws Exception {
        Path ran = dir.resolve("ran");
        AgentProcess open = new AgentProcess(Files.createDirectories(dir.resolve("open")), "");
        AgentProcess.Result r = open.session(Map.of(), "/bin/sh", "-c", "echo yes > " + ran);
        assertThat(r.exitCode()).isZero();
        assertThat(ran).hasContent("yes");
        assertThat(r.stderr()).contains("warning: this session is NOT recorded").contains("cannot connect");

        Files.delete(ran);
        AgentProcess closed = new AgentProcess(Files.createDirectories(dir.resolve("closed")), "fail_closed: true\n");
        AgentProcess.Result denied = closed.session(Map.of(), "/bin/sh", "-c", "echo yes > " + ran);
        assertThat(denied.exitCode()).isEqualTo(1);
        assertThat(ran).doesNotExist();
        assertThat(denied.stderr()).contains("login denied");
    }

    private static List<ProcessNode> processes(GraphDocument g) {
        return g.nodes().stream().filter(ProcessNode.class::isInstance).map(ProcessNode.class::cast).toList();
    }

    private static Set<String> filePaths(GraphDocument g) {
        return g.nodes().stream().filter(FileNode.class::isInstance).map(FileNode.class::cast)
                .flatMap(f -> f.paths().stream()).collect(Collectors.toSet());
    }

    private static ProcessBuilder cli(AgentProcess agent, String... args) {
        List<String> argv = new ArrayList<>(List.of(Recording.launcher().toString()));
        argv.addAll(List.of(args));
        argv.addAll(List.of("--config", agent.config.toString()));
        return new ProcessBuilder(argv);
    }

    private static ProcessBuilder asUser(AgentProcess agent, String... command) {
        List<String> argv = new ArrayList<>(List.of("runuser", "-u", user, "--", "env", "HOME=/home/" + user,
                "CHANGEGRAPH_CONFIG=" + agent.config));
        argv.addAll(List.of(command));
        return new ProcessBuilder(argv);
    }

    /** Runs a raw protocol client as the test user; returns what it printed. */
    private static String raw(AgentProcess agent, String... command) throws IOException, InterruptedException {
        AgentProcess.Result r = AgentProcess.run(asUser(agent, command));
        return r.stdout() + r.stderr();
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
    }

}
