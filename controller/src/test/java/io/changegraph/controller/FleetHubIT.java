package io.changegraph.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet end to end, with real eBPF, a real PostgreSQL 15 and the real hub: three agents as three hosts
 * (each its own UTS host name, certificate, store and socket) record the same change while the hub is killed
 * with SIGKILL and started again and PostgreSQL is restarted; afterwards the hub holds every journal event of
 * every session exactly once, in order. A certificate from another CA is refused, and a host cannot write
 * another host's session.
 */
@Tag("kernel")
@ExtendWith(RequiresRoot.class)
class FleetHubIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> HOSTS = List.of("fleet-a", "fleet-b", "fleet-c");
    /** about 12 s of a small change: files written and read in 8 rounds */
    private static final String CHANGE = "W=$(mktemp -d /tmp/cg-fleet-XXXXXX); for round in 1 2 3 4 5 6 7 8; do"
            + " for i in $(seq 1 20); do echo $round.$i > $W/conf-$i; done; cat $W/conf-* > /dev/null;"
            + " sleep 1.5; done; rm -rf $W";

    @TempDir
    Path dir;

    @Test
    void threeHosts_hubKilledAndPostgresRestartedMidSession_everyEventIsAtTheHubExactlyOnce() throws Exception {
        try (Fleet fleet = new Fleet(dir, HOSTS.toArray(String[]::new)).startHub()) {
            Map<String, AgentProcess> agents = new LinkedHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(HOSTS.size());
            try {
                for (String host : HOSTS) {
                    agents.put(host, fleet.agent(dir.resolve(host), fleet.certs, host).start());
                }
                Map<String, Future<AgentProcess.Result>> runs = new LinkedHashMap<>();
                for (String host : HOSTS) {
                    runs.put(host, pool.submit(() -> agents.get(host).session(Map.of(), "/bin/bash", "-c", CHANGE)));
                }
                Thread.sleep(3000);
                fleet.killHub();        // mid-session: SIGKILL
                Thread.sleep(2000);
                fleet.startHub();
                Thread.sleep(1500);
                fleet.stopPostgres();   // mid-session: the hub answers 503 meanwhile
                Thread.sleep(2500);
                fleet.startPostgres();

                Map<String, String> ids = new LinkedHashMap<>();
                for (String host : HOSTS) {
                    AgentProcess.Result r = runs.get(host).get(120, TimeUnit.SECONDS);
                    assertThat(r.exitCode()).as(r.stderr()).isZero();
                    ids.put(host, r.sessionId());
                    agents.get(host).endedGraph(r.sessionId());
                }
                String idList = "'" + String.join("','", ids.values()) + "'";
                AgentProcess.await("the hub has the three final graphs", () -> {
                    try {
                        return fleet.sql("SELECT count(*) FROM graphs WHERE session_id IN (" + idList + ")")
                                .equals(List.of("3"));
                    } catch (Exception e) {
                        return false;
                    }
                }, 120);

                for (String host : HOSTS) {
                    String id = ids.get(host);
                    AgentProcess agent = agents.get(host);
                    assertThat(agent.record(id).host()).isEqualTo(host);
                    List<String> journal = new ArrayList<>();
                    int seq = 0;
                    for (String line : Files.readAllLines(agent.store.journal(id))) {
                        JsonNode e = JSON.readTree(line);
                        journal.add(seq++ + "|" + e.get("verb").asText() + "|" + e.get("time").asText());
                    }
                    assertThat(journal).as("events recorded on " + host).hasSizeGreaterThan(100);
                    List<String> atHub = fleet.sql("SELECT seq, event->>'verb', event->>'time' FROM events WHERE host = '"
                            + host + "' AND session_id = '" + id + "' ORDER BY seq");
                    assertThat(atHub).as("the hub's events of " + host + ": each journal line once, in order")
                            .containsExactlyElementsOf(journal);
                    assertThat(fleet.sql("SELECT next_seq, state FROM sessions WHERE id = '" + id + "'"))
                            .containsExactly(journal.size() + "|ended");
                    AgentProcess.await(host + "'s agent logs the session at the hub", () -> agent.log()
                            .contains("session " + id + " is at the hub: "), 20);
                    String log = agent.log();
                    assertThat(log).as(host + "'s agent saw the outage and came back")
                            .contains("hub https://127.0.0.1:" + fleet.hubPort + " unavailable")
                            .contains("reachable again")
                            .contains("session " + id + " is at the hub: " + journal.size() + " events");
                }
            } finally {
                pool.shutdownNow();
                for (AgentProcess a : agents.values()) {
                    a.close();
                }
            }
        }
    }

    @Test
    void sessionRecordedWhileTheHubWasAway_agentKilledMidForward_resumesAndEveryEventIsThereOnce() throws Exception {
        try (Fleet fleet = new Fleet(dir, "fleet-a")) {   // no hub yet
            AgentProcess agent = fleet.agent(dir.resolve("fleet-a"), fleet.certs, "fleet-a").start();
            try {
                AgentProcess.Result r = agent.session(Map.of(), "/bin/bash", "-c",
                        "W=$(mktemp -d /tmp/cg-fleet-XXXXXX); for i in $(seq 1 12000); do echo $i > $W/f$i; done; rm -rf $W");
                assertThat(r.exitCode()).as(r.stderr()).isZero();
                String id = r.sessionId();
                agent.endedGraph(id);
                List<String> journal = new ArrayList<>();
                int seq = 0;
                for (String line : Files.readAllLines(agent.store.journal(id))) {
                    JsonNode e = JSON.readTree(line);
                    journal.add(seq++ + "|" + e.get("verb").asText() + "|" + e.get("time").asText());
                }
                assertThat(journal).hasSizeGreaterThan(20_000);

                fleet.startHub();
                long[] at = {0};
                AgentProcess.await("the first batches at the hub", () -> {
                    try {
                        List<String> rows = fleet.sql("SELECT next_seq FROM sessions WHERE id = '" + id + "'");
                        at[0] = rows.isEmpty() ? 0 : Long.parseLong(rows.getFirst());
                        return at[0] > 0;
                    } catch (Exception e) {
                        return false;
                    }
                }, 60);
                agent.kill9();   // SIGKILL while it forwards
                long heldAtKill = Long.parseLong(fleet.sql("SELECT next_seq FROM sessions WHERE id = '" + id + "'")
                        .getFirst());
                assertThat(heldAtKill).as("killed mid-forward").isLessThan(journal.size());
                agent.start();

                AgentProcess.await("the final graph at the hub", () -> {
                    try {
                        return fleet.sql("SELECT count(*) FROM graphs WHERE session_id = '" + id + "'")
                                .equals(List.of("1"));
                    } catch (Exception e) {
                        return false;
                    }
                }, 120);
                assertThat(fleet.sql("SELECT seq, event->>'verb', event->>'time' FROM events WHERE session_id = '"
                        + id + "' ORDER BY seq")).containsExactlyElementsOf(journal);
                assertThat(agent.log()).contains("hub https://127.0.0.1:" + fleet.hubPort + " unavailable")
                        .contains("session " + id + " is at the hub: " + journal.size() + " events");
            } finally {
                agent.close();
            }
        }
    }

    @Test
    void certificateOfAnotherCa_isRefused_andAHostCannotWriteAnotherHostsSession() throws Exception {
        try (Fleet fleet = new Fleet(dir, "fleet-a", "fleet-b").startHub()) {
            Path otherCa = dir.resolve("other-ca");
            fleet.script("fleet-certs.sh", List.of(otherCa.toString(), "intruder"));
            try (AgentProcess intruder = fleet.agent(dir.resolve("intruder"), otherCa, "intruder").start()) {
                AgentProcess.Result r = intruder.session(Map.of(), "/bin/true");
                assertThat(r.exitCode()).as(r.stderr()).isZero();
                AgentProcess.await("the intruder's agent says it was refused", () -> intruder.log()
                        .contains("the hub refused this host's certificate (CN=intruder"), 60);
            }
            assertThat(fleet.sql("SELECT count(*) FROM hosts WHERE host = 'intruder'")).containsExactly("0");

            String id = "20261206T090000Z-fleet-b-4242";
            String sessionOfB = session(id, "fleet-b");
            assertThat(fleet.curl(fleet.certs, "fleet-b", "POST", "/api/v1/ingest", sessionOfB))
                    .startsWith("200\n").contains("\"next_seq\":1");
            // host A's certificate, B's session: as B, and as A with B's session id
            assertThat(fleet.curl(fleet.certs, "fleet-a", "POST", "/api/v1/ingest", sessionOfB)).startsWith("403\n");
            assertThat(fleet.curl(fleet.certs, "fleet-a", "POST", "/api/v1/ingest", session(id, "fleet-a")))
                    .startsWith("403\n");
            assertThat(fleet.curl(fleet.certs, "fleet-a", "GET", "/api/v1/ingest/sessions/" + id, null))
                    .startsWith("403\n");
            assertThat(fleet.sql("SELECT host, next_seq FROM sessions WHERE id = '" + id + "'"))
                    .containsExactly("fleet-b|1");
        }
    }

    @Test
    void agentWithAHubKeyItCannotRead_stopsBeforeRecordingWithOneLine() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yaml"), "socket: " + dir.resolve("agent.sock") + "\nstore: "
                + dir.resolve("store") + "\nhub: {url: 'https://127.0.0.1:1', cert: host.crt, key: host.key, ca: ca.crt}\n");
        AgentProcess.Result r = AgentProcess.run(new ProcessBuilder(Recording.launcher().toString(), "agent",
                "--config", config.toString()));
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.stderr().strip()).doesNotContain("\tat ").endsWith("hub: cert " + dir.resolve("host.crt")
                + " does not exist (make the fleet's certificates with scripts/fleet-certs.sh)");
    }

    /** An ingest body for session {@code id} of {@code host} with one event. */
    private static String session(String id, String host) {
        return "{\"session\":{\"id\":\"" + id + "\",\"host\":\"" + host + "\",\"user\":\"root\",\"uid\":0,"
                + "\"root_pid\":4242,\"root_start_ns\":1,\"client\":\"\",\"tty\":\"\",\"command\":[\"/bin/true\"],"
                + "\"started\":\"2026-12-06T09:00:00Z\",\"ended\":null,\"state\":\"live\",\"events\":1,"
                + "\"lost_kernel\":0,\"dropped_user\":0,\"resumed\":0},\"first_seq\":0,\"events\":["
                + io.changegraph.repository.store.EventJson.toLine(io.changegraph.repository.model.Event.once(
                        java.time.Instant.parse("2026-12-06T09:00:01Z"), new io.changegraph.repository.model.ProcessNode(4242,
                                1, 1, "/bin/true", List.of("/bin/true"), "/", 0, 0, null, null, true,
                                java.time.Instant.parse("2026-12-06T09:00:00Z"), null),
                        io.changegraph.repository.model.Verb.OPEN, io.changegraph.repository.model.FileRef.of("/etc/hosts"), false,
                        null)) + "]}";
    }
}
