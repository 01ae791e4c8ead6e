package io.changegraph.controller;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.store.SessionRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet commands as a user runs them (bin/changegraph) against a real etcd (scripts/etcd.sh) and a real agent
 * process with a {@code control:} section: a bad push never reaches etcd, a push reaches the agent's new sessions
 * while its live session keeps its rules, and a kill -9'd agent turns down within its lease.
 */
@Tag("kernel")
@ExtendWith(RequiresRoot.class)
class FleetControlIT {
    @TempDir
    Path tmp;
    private Path etcdDir;
    private String endpoint;
    private AgentProcess agent;

    private static Path repo() {
        String r = System.getenv("CHANGEGRAPH_REPO");
        return r != null ? Path.of(r) : Path.of("..").toAbsolutePath().normalize();
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @BeforeEach
    void startEtcd() throws Exception {
        etcdDir = tmp.resolve("etcd");
        for (int port = 23799; port >= 23790 && endpoint == null; port--) {
            if (free(port) && free(port + 10)) {
                AgentProcess.Result r = AgentProcess.run(new ProcessBuilder(repo().resolve("scripts/etcd.sh").toString(),
                        "start", etcdDir.toString(), Integer.toString(port)));
                assertThat(r.exitCode()).as(r.stderr()).isZero();
                endpoint = r.stdout().strip();
            }
        }
        assertThat(endpoint).as("a free port pair in 23790-23799").isNotNull();
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        AgentProcess.run(new ProcessBuilder(repo().resolve("scripts/etcd.sh").toString(), "stop", etcdDir.toString()));
    }

    private AgentProcess.Result fleet(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(Recording.launcher().toString(), "fleet"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("CHANGEGRAPH_ETCD", endpoint);
        return AgentProcess.run(pb);
    }

    private JsonNode hosts() throws IOException, InterruptedException {
        AgentProcess.Result r = fleet("hosts", "--json");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return io.changegraph.repository.io.JsonMappers.SORTED.readTree(r.stdout());
    }

    @Test
    void fleetRulesPush_ofAnInvalidFile_exitsTwo_andWritesNothing() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "rules:\n  - id: x\n    severity: loud\n    verbs: [unlink]\n");
        AgentProcess.Result r = fleet("rules", "push", bad.toString(), "--group", "canary");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.stderr()).contains("bad.yaml:3:").contains("nothing was pushed").doesNotContain("Exception");
        Path badConfig = Files.writeString(tmp.resolve("config.yaml"), "store: /tmp/elsewhere\n");
        AgentProcess.Result c = fleet("config", "push", badConfig.toString());
        assertThat(c.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(c.stderr()).contains("'store' cannot be pushed").contains("nothing was pushed");

        assertThat(fleet("rules", "history").stdout()).contains("(nothing pushed yet)");
        assertThat(fleet("config", "history").stdout()).contains("(nothing pushed yet)");
        AgentProcess.Result none = fleet("rules", "promote");
        assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.stderr()).contains("no rules are staged");
    }

    @Test
    void aPushReachesTheAgentsNewSessions_itsLiveSessionKeepsItsRules_andKill9TurnsItDownWithinTheLease()
            throws Exception {
        Path shipped = repo().resolve("rules.yaml");
        Files.createDirectories(tmp.resolve("agent"));
        agent = new AgentProcess(tmp.resolve("agent"), "rules: " + shipped + "\ncontrol:\n  endpoints: [" + endpoint
                + "]\n  group: canary\n  lease_seconds: 3\n").start();
        AgentProcess.await("the agent registered", () -> {
            try {
                return hosts().size() == 1;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }, 30);
        JsonNode before = hosts().get(0);
        assertThat(before.get("group").asText()).isEqualTo("canary");
        assertThat(before.get("rules_revision").asLong()).isZero();
        assertThat(before.get("rules_digest").asText()).isEqualTo("local");
        assertThat(before.get("state").asText()).isEqualTo("up");

        Process live = agent.sessionBuilder(Map.of(), "sleep", "8").redirectErrorStream(true)
                .redirectOutput(tmp.resolve("live.txt").toFile()).start();
        AgentProcess.await("the live session registered", () -> agent.store.list(w -> { }).stream()
                .anyMatch(s -> s.state() == SessionRecord.State.LIVE), 30);

        String text = Files.readString(shipped) + "\n# pushed by FleetControlIT\n";
        Path pushed = Files.writeString(tmp.resolve("pushed-rules.yaml"), text);
        AgentProcess.Result push = fleet("rules", "push", pushed.toString(), "--group", "canary");
        assertThat(push.exitCode()).as(push.stderr()).isZero();
        assertThat(push.stdout()).contains("to the group canary");
        AgentProcess.await("the registry shows the pushed rules", () -> {
            try {
                return hosts().get(0).get("rules_revision").asLong() > 0;
            } catch (IOException | InterruptedException | RuntimeException e) {
                return false;
            }
        }, 10);
        assertThat(agent.log()).contains("control: now on the rules of etcd revision");

        Path fleetConfig = Files.writeString(tmp.resolve("fleet-config.yaml"), "max_sessions_per_user: 16\n");
        AgentProcess.Result config = fleet("config", "push", fleetConfig.toString());
        assertThat(config.exitCode()).as(config.stderr()).isZero();
        AgentProcess.await("the registry shows the pushed config", () -> {
            try {
                return hosts().get(0).get("config_revision").asLong() > 0;
            } catch (IOException | InterruptedException | RuntimeException e) {
                return false;
            }
        }, 10);
        assertThat(agent.log()).contains("control: now on the config of etcd revision");
        assertThat(agent.store.root().resolve("control/config.json")).exists();

        AgentProcess.Result after = agent.session(Map.of(), "true");
        assertThat(after.exitCode()).isZero();
        String newDigest = io.changegraph.monitor.RuleSet.parse("x", text, System::getenv).digest();
        String oldDigest = io.changegraph.monitor.RuleSet.load(shipped).digest();
        agent.endedGraph(after.sessionId());   // ended: its final graph file is written
        assertThat(agent.graphFile(after.sessionId()).session().rules()).isEqualTo(newDigest);
        assertThat(live.waitFor(30, TimeUnit.SECONDS)).isTrue();
        SessionRecord liveRecord = agent.store.list(w -> { }).stream().filter(s -> s.command().contains("sleep"))
                .findFirst().orElseThrow();
        agent.endedGraph(liveRecord.id());
        assertThat(agent.graphFile(liveRecord.id()).session().rules()).isEqualTo(oldDigest);

        agent.kill9();
        long killed = System.nanoTime();
        AgentProcess.await("the killed agent turned down", () -> {
            try {
                JsonNode h = hosts();
                return h.size() == 1 && h.get(0).get("state").asText().equals("down");
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }, 15);
        // the lease is 3 s; one 'fleet hosts' run takes up to ~2 s more
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed)).isLessThan(3_000 + 2_500);
        assertThat(Files.readString(agent.store.root().resolve("control/rules.json"), StandardCharsets.UTF_8))
                .contains("pushed by FleetControlIT");
    }
}
