package io.changegraph.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.changegraph.probes.Cgroup2;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.HttpRequest;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.TcpCounts;
import io.changegraph.repository.model.Verb;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Network evidence in recorded sessions, in two network namespaces the test makes (client and server joined
 * by a veth pair; iptables rules, tc netem and a DNS/HTTP/TLS test server in the server namespace). Traffic
 * goes only to loopback and to the server namespace; every loop and wait is bounded.
 */
@ExtendWith(RequiresRoot.class)
class NetworkIT {
    private static final int ID = (int) (ProcessHandle.current().pid() % 200) + 20;
    private static final String CLIENT = "cgnc" + ID;
    private static final String SERVER = "cgns" + ID;
    private static final String SERVER_IP = "10.231." + ID + ".1";
    private static final String CLIENT_IP = "10.231." + ID + ".2";
    /** A second server address, only reached by name (named.internal) in the netwatch test. */
    private static final String NAMED_IP = "10.231." + ID + ".3";
    private static final String CONTAINER = "c0ffee" + "0123456789abcdef".repeat(3) + String.format("%010d", ID);
    private static Process servers;
    private static Process unfollowed;

    @BeforeAll
    static void namespaces() throws Exception {
        cleanUp();
        sh("""
                set -e
                ip netns add %2$s
                ip netns add %1$s
                ip link add cgc%5$d type veth peer name cgs%5$d
                ip link set cgc%5$d netns %1$s
                ip link set cgs%5$d netns %2$s
                ip -n %2$s addr add %3$s/24 dev cgs%5$d
                ip -n %2$s addr add %6$s/24 dev cgs%5$d
                ip -n %1$s addr add %4$s/24 dev cgc%5$d
                for ns in %1$s %2$s; do ip -n $ns link set lo up; done
                ip -n %2$s link set cgs%5$d up
                ip -n %1$s link set cgc%5$d up
                ip netns exec %2$s iptables -A INPUT -p tcp --dport 81 -j DROP
                ip netns exec %2$s iptables -A INPUT -p tcp --dport 82 -j REJECT --reject-with tcp-reset
                ip netns exec %2$s iptables -A INPUT -p tcp --dport 86 -j REJECT --reject-with tcp-reset
                ip netns exec %1$s sysctl -qw net.ipv4.tcp_syn_retries=1
                mkdir -p /etc/netns/%1$s
                echo "nameserver %3$s" > /etc/netns/%1$s/resolv.conf
                # loss for the data-retransmit scene: tc netem on the client's egress when this kernel has sch_netem,
                # else the same loss as a random DROP rule (iptables statistic) on the server's side
                if ip netns exec %1$s tc qdisc add dev cgc%5$d root netem loss 0%% 2>/dev/null; then
                  ip netns exec %1$s tc qdisc del dev cgc%5$d root
                else
                  ip netns exec %2$s iptables -A INPUT -p tcp --dport 84 -m statistic --mode random --probability 0.25 -j DROP
                fi
                """.formatted(CLIENT, SERVER, SERVER_IP, CLIENT_IP, ID, NAMED_IP));
        Path script = Files.createTempFile("cg-servers", ".py");
        try (var in = Objects.requireNonNull(NetworkIT.class.getResourceAsStream("/network/servers.py"))) {
            Files.write(script, in.readAllBytes());
        }
        servers = new ProcessBuilder("ip", "netns", "exec", SERVER, "python3", script.toString(), SERVER_IP,
                "api.internal=" + SERVER_IP, "unfollowed.internal=" + SERVER_IP, "named.internal=" + NAMED_IP).redirectErrorStream(true).start();
        String ready = new BufferedReader(new InputStreamReader(servers.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(ready).as("test servers started").isEqualTo("ready");
    }

    @AfterAll
    static void cleanUpAll() throws Exception {
        for (Process p : new Process[] {servers, unfollowed}) {
            if (p != null) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        cleanUp();
    }

    private static void cleanUp() throws IOException, InterruptedException {
        sh("ip netns del %1$s 2>/dev/null; ip netns del %2$s 2>/dev/null; rm -rf /etc/netns/%1$s; true"
                .formatted(CLIENT, SERVER));
        Path cgroups = Cgroup2.hostMount().orElse(null);
        if (cgroups != null) {
            sh("rmdir %1$s/docker-%2$s.scope %1$s 2>/dev/null; true".formatted(testSlice(cgroups), CONTAINER));
        }
    }

    /** The test's own cgroup parent under the cgroup2 root (a container's scope goes in it). */
    private static Path testSlice(Path cgroups) {
        return cgroups.resolve("changegraph-test-" + ID + ".slice");
    }

    @Test
    void record_connectionScenes_outcomesNamesHttpAndSniOnTheRemoteEdges(@TempDir Path dir) throws Exception {
        // the same kinds of scenes from a process that is not followed, while the session records
        unfollowed = new ProcessBuilder("ip", "netns", "exec", CLIENT, "bash", "-c",
                "for i in $(seq 30); do curl -s -m 2 http://%1$s:86/; curl -s -m 2 -o /dev/null http://unfollowed.internal:8080/not-followed; sleep 0.2; done"
                        .formatted(SERVER_IP)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true).start();
        String scenes = """
                S=%1$s
                curl -s -m 10 http://$S:81/drop           # DROP: SYN retransmits, then the kernel times out (syn_retries=1)
                curl -s -m 5 http://$S:82/reject          # REJECT with tcp-reset: refused
                curl -s -m 5 http://$S:83/reset           # accepted, then reset by the server
                curl -s -m 5 http://127.0.0.1:9/closed    # a closed local port: refused after EINPROGRESS
                curl -s -m 5 -o /dev/null http://api.internal:8080/status?probe=1   # DNS, then plain HTTP
                openssl s_client -connect $S:8443 -servername secure.internal </dev/null >/dev/null 2>&1
                %3$s   # an abortive close: the reset is sent after CLOSE
                tc qdisc add dev cgc%2$d root netem loss 25%% 2>/dev/null   # (or the DROP rule set up before)
                %4$s
                tc qdisc del dev cgc%2$d root 2>/dev/null
                true
                """.formatted(SERVER_IP, ID, abortiveClient(SERVER_IP), lossyClient(SERVER_IP, 2 << 20));
        Path output = dir.resolve("graph.json");
        Recording r = Recording.run(output, "record", "-o", output.toString(), "--", "ip", "netns", "exec", CLIENT,
                "bash", "-c", scenes);
        assertThat(r.graph).as("graph written; stderr: %s", r.stderr).isNotNull();
        assertThat(r.exitCode).as(r.stderr).isZero();

        TcpCounts dropped = tcp(r, SERVER_IP, 81);
        assertThat(dropped.synRetransmits()).as("SYN retransmits in SYN_SENT").isPositive();
        assertThat(dropped.timedOut()).isEqualTo(1);
        assertThat(connect(r, SERVER_IP, 81).failed()).as("the timed-out connect failed").isEqualTo(1);

        assertThat(tcp(r, SERVER_IP, 82).refused()).isEqualTo(1);
        assertThat(connect(r, SERVER_IP, 82).failed()).isEqualTo(1);

        TcpCounts reset = tcp(r, SERVER_IP, 83);
        assertThat(reset.established()).isEqualTo(1);
        assertThat(reset.resetsReceived()).as("reset after establishment").isEqualTo(1);
        assertThat(connect(r, SERVER_IP, 83).failed()).as("the connect itself worked").isZero();

        assertThat(tcp(r, "127.0.0.1", 9).refused()).isEqualTo(1);
        assertThat(connect(r, "127.0.0.1", 9).failed()).as("curl to a closed port failed").isEqualTo(1);

        Edge http = connect(r, SERVER_IP, 8080);
        assertThat(http.net().http()).isEqualTo(new HttpRequest("GET", "api.internal:8080", "/status?probe=1"));
        assertThat(remote(r, SERVER_IP, 8080).names()).as("named by the DNS answer and Host").containsExactly("api.internal");

        Edge tls = connect(r, SERVER_IP, 8443);
        assertThat(tls.net().tlsSni()).isEqualTo("secure.internal");
        assertThat(remote(r, SERVER_IP, 8443).names()).contains("secure.internal");

        TcpCounts aborted = tcp(r, SERVER_IP, 85);
        assertThat(aborted.established()).isEqualTo(1);
        assertThat(aborted.resetsSent()).as("SO_LINGER 0: the reset the close sent").isEqualTo(1);
        assertThat(aborted.bytesSent()).as("data bytes only: not the SYN's sequence number").isEqualTo(5);
        assertThat(aborted.bytesReceived()).isZero();
        assertThat(tcp(r, SERVER_IP, 8080).bytesReceived()).as("the 57-byte response, not its FIN").isEqualTo(57);
        assertThat(connect(r, SERVER_IP, 85).failed()).isZero();

        TcpCounts lossy = tcp(r, SERVER_IP, 84);
        assertThat(lossy.retransmits()).as("data retransmits under 25% loss").isPositive();
        assertThat(lossy.bytesSent()).isGreaterThanOrEqualTo(2 << 20);

        assertThat(unfollowed.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(r.graph.nodes()).as("nothing of the unfollowed process").noneMatch(n -> n instanceof RemoteNode rn
                && (rn.port() == 86 || rn.names().contains("unfollowed.internal")));
        assertThat(r.graph.edges()).noneMatch(e -> e.net() != null && e.net().http() != null
                && e.net().http().path().equals("/not-followed"));
        assertThat(Files.readString(output)).contains("\"syn_retransmits\"", "\"tls_sni\" : \"secure.internal\"",
                "\"names\" : [ \"api.internal\" ]");
    }

    @Test
    void record_payloadBytesZero_noNamesNoHttpButOutcomesStay(@TempDir Path dir) throws Exception {
        Path output = dir.resolve("graph.json");
        Recording r = Recording.run(output, "record", "-o", output.toString(), "--payload-bytes", "0", "--", "ip",
                "netns", "exec", CLIENT, "bash", "-c",
                "curl -s -m 5 -o /dev/null http://api.internal:8080/off; curl -s -m 5 http://127.0.0.1:9/; true");
        assertThat(r.graph).as(r.stderr).isNotNull();
        Edge http = connect(r, SERVER_IP, 8080);
        assertThat(http.net() == null || http.net().http() == null).as("no request line captured").isTrue();
        assertThat(remote(r, SERVER_IP, 8080).names()).isEmpty();
        assertThat(tcp(r, "127.0.0.1", 9).refused()).as("outcomes need no payload").isEqualTo(1);
    }

    @Test
    void netwatch_scenesOfProcessesNoSessionFollows_areJsonLinesPerExecutableCgroupDestinationAndName(@TempDir Path dir)
            throws Exception {
        Path cgroups = Cgroup2.hostMount().orElse(null);
        assertThat(cgroups).as("a cgroup2 hierarchy is mounted: netwatch's cgroup ids come from it").isNotNull();
        Path scope = testSlice(cgroups).resolve("docker-" + CONTAINER + ".scope");
        Files.createDirectories(scope);
        Path lines = dir.resolve("netwatch.jsonl");
        java.util.concurrent.CompletableFuture<Recording> session = null;
        Path graph = dir.resolve("graph.json");
        Path done = dir.resolve("scenes-done");
        Process netwatch = new ProcessBuilder(Recording.launcher().toString(), "netwatch", "--json", "--interval", "1s",
                "--count", "90").redirectOutput(lines.toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
        try {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < until && !(Files.exists(lines) && Files.readString(lines).contains("\"interval\""))) {
                assertThat(netwatch.isAlive()).as("netwatch runs; stderr: %s", Files.readString(dir.resolve("err.txt")))
                        .isTrue();
                Thread.sleep(100);
            }
            // a session records a process of its own meanwhile: none of the scenes below may enter its graph
            session = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return Recording.run(graph, "record", "-o", graph.toString(), "--", "ip", "netns", "exec", CLIENT,
                            "bash", "-c", ("curl -s -m 5 -o /dev/null http://%s:8080/followed;"
                                    + " for i in $(seq 600); do [ -e %s ] && break; sleep 0.1; done")
                                    .formatted(SERVER_IP, done));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < until && !(Files.exists(graph) && Files.readString(graph).contains("/followed"))) {
                Thread.sleep(100);
            }
            assertThat(graph).as("the session records before the scenes start").exists();
            // no session: plain processes in the client namespace, one of them in a container's cgroup
            sh("""
                    ns="ip netns exec %1$s"
                    $ns curl -s -m 8 http://%2$s:81/drop                  # DROP: SYN retransmits, then timeout
                    $ns curl -s -m 5 http://%2$s:82/reject                # REJECT tcp-reset: refused
                    $ns curl -s -m 5 http://%2$s:83/reset                 # accepted, then reset by the server
                    $ns curl -s -m 5 http://127.0.0.1:9/closed            # a closed port: refused
                    $ns %5$s   # an abortive close: a reset sent
                    $ns tc qdisc add dev cgc%3$d root netem loss 25%% 2>/dev/null   # (or the DROP rule set up before)
                    $ns %6$s
                    $ns tc qdisc del dev cgc%3$d root 2>/dev/null
                    # DNS (the test server in the server namespace), then a refused connect to the named address,
                    # from a process in a docker-like scope
                    bash -c 'echo $$ > %4$s/cgroup.procs && exec ip netns exec %1$s curl -s -m 5 http://named.internal:82/'
                    true
                    """.formatted(CLIENT, SERVER_IP, ID, scope, abortiveClient(SERVER_IP), lossyClient(SERVER_IP, 1 << 20)));
            Files.createFile(done);
            Thread.sleep(2500);   // two more intervals: every scene has closed and been reported
        } finally {
            if (!Files.exists(done)) {
                Files.createFile(done);   // the session's process stops waiting
            }
            netwatch.destroy();
            netwatch.waitFor(10, TimeUnit.SECONDS);
            netwatch.destroyForcibly();
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<com.fasterxml.jackson.databind.JsonNode> rows = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(lines)) {
            com.fasterxml.jackson.databind.JsonNode node = json.readTree(line);
            if (node.get("type").asText().equals("flow") && node.get("exe").asText().matches(".*(curl|python3[.0-9]*)\\]?")) {
                rows.add(node);
            }
        }
        String all = Files.readString(lines);
        // a connection's anomalies are summed when they happen: the DROP scene's SYN retransmits and its timeout
        // may fall in different intervals, so its rows are added up
        assertThat(rows).as("curl rows in %s", all)
                .filteredOn(r -> r.get("destination").asText().equals(SERVER_IP + ":81")).isNotEmpty()
                .allSatisfy(r -> {
                    assertThat(r.get("cgroup_id").asLong()).isPositive();
                    assertThat(r.get("cgroup").asText()).as("the test runs in some cgroup, named by its path").startsWith("/");
                });
        assertThat(sum(rows, SERVER_IP + ":81", "syn_retransmits")).as("DROP: SYN retransmits; %s", all).isPositive();
        assertThat(sum(rows, SERVER_IP + ":81", "timed_out")).as("then the kernel times out (syn_retries=1)").isEqualTo(1);
        assertThat(sum(rows, SERVER_IP + ":81", "connections")).as("one connection, counted once").isEqualTo(1);
        assertThat(rows).as(all).filteredOn(r -> r.get("destination").asText().equals(SERVER_IP + ":82"))
                .anySatisfy(r -> assertThat(r.get("refused").asLong()).as("REJECT tcp-reset: refused").isEqualTo(1));
        assertThat(rows).as(all).filteredOn(r -> r.get("destination").asText().equals(SERVER_IP + ":83"))
                .anySatisfy(r -> {
                    assertThat(r.get("resets_received").asLong()).as("reset after accept").isEqualTo(1);
                    assertThat(r.get("refused").asLong()).isZero();
                });
        assertThat(rows).as(all).filteredOn(r -> r.get("destination").asText().equals("127.0.0.1:9"))
                .anySatisfy(r -> assertThat(r.get("refused").asLong()).as("curl to a closed port").isEqualTo(1));
        assertThat(rows).as(all).filteredOn(r -> r.get("destination").asText().equals(SERVER_IP + ":85"))
                .anySatisfy(r -> {
                    assertThat(r.get("resets_sent").asLong()).as("SO_LINGER 0: the reset the close sent").isEqualTo(1);
                    assertThat(r.get("connections").asLong()).isEqualTo(1);
                    assertThat(r.get("refused").asLong() + r.get("resets_received").asLong()).isZero();
                });
        assertThat(rows).as(all).filteredOn(r -> r.get("destination").asText().equals(SERVER_IP + ":84"))
                .anySatisfy(r -> {
                    assertThat(r.get("exe").asText()).contains("python3");
                    assertThat(r.get("retransmits").asLong()).as("data retransmits under 25%% loss").isPositive();
                });
        assertThat(rows).as(all).filteredOn(r -> r.get("destination").asText().equals(NAMED_IP + ":82"))
                .singleElement().satisfies(r -> {
                    assertThat(r.get("name").asText()).as("named by the DNS answer curl received").isEqualTo("named.internal");
                    assertThat(r.get("refused").asLong()).isEqualTo(1);
                    assertThat(r.get("cgroup").asText()).isEqualTo("/changegraph-test-" + ID + ".slice/docker-" + CONTAINER
                            + ".scope");
                    assertThat(r.get("container").asText()).as("the container id of a docker scope").isEqualTo(CONTAINER);
                });
        assertThat(all).contains("\"dns_answers\":");

        Recording r = session.get(120, TimeUnit.SECONDS);
        assertThat(r.exitCode).as(r.stderr).isZero();
        assertThat(connect(r, SERVER_IP, 8080).net().http().path()).as("the session's own process is in its graph")
                .isEqualTo("/followed");
        assertThat(r.graph.nodes()).as("none of the unfollowed scenes is in the session graph").noneMatch(n ->
                n instanceof RemoteNode rn && (rn.address().equals(NAMED_IP) || rn.address().equals("127.0.0.1")
                        || rn.address().equals(SERVER_IP) && rn.port() != 8080
                        || rn.names().contains("named.internal")));
    }

    @Test
    void netwatch_onAHostWithoutACgroup2Mount_mountsItsOwn_andItsConnectHooksSeeEveryProcess(@TempDir Path dir)
            throws Exception {
        Path cgroups = Cgroup2.hostMount().orElse(null);
        assertThat(cgroups).isNotNull();
        Path out = dir.resolve("netwatch.jsonl");
        Path mounts = dir.resolve("mounts");
        // a private mount namespace without the host's cgroup2 mount, as on a host that uses only cgroup v1
        String script = """
                umount -l %1$s || exit 3
                %2$s netwatch --json --interval 1s --count 8 > %3$s 2> %4$s &
                nw=$!
                for i in $(seq 300); do grep -q '"interval"' %3$s 2>/dev/null && break; sleep 0.1; done
                curl -s -m 2 http://127.0.0.1:9/no-cgroup2
                grep ' - cgroup2 ' /proc/self/mountinfo | cut -d' ' -f5 > %5$s
                wait $nw
                """.formatted(cgroups, Recording.launcher(), out, dir.resolve("err.txt"), mounts);
        Process p = new ProcessBuilder("unshare", "-m", "--propagation", "private", "bash", "-c", script)
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s; netwatch: %s", said, Files.readString(dir.resolve("err.txt"))).isZero();
        assertThat(Files.readAllLines(mounts)).as("the only cgroup2 mount is netwatch's own")
                .containsExactly("/run/changegraph/cgroup2");
        assertThat(Files.readString(out)).as("curl's refused connect, seen by the hooks on that root")
                .containsPattern("\"destination\":\"127\\.0\\.0\\.1:9\"[^}]*\"refused\":1");
    }

    /** The sum of {@code field} over the netwatch rows to {@code destination}. */
    private static long sum(List<com.fasterxml.jackson.databind.JsonNode> rows, String destination, String field) {
        return rows.stream().filter(r -> r.get("destination").asText().equals(destination))
                .mapToLong(r -> r.get(field).asLong()).sum();
    }

    /** A python3 command that connects to {@code ip}:85, sends 5 bytes and closes with SO_LINGER 0 (a reset). */
    private static String abortiveClient(String ip) {
        return """
                python3 -c '
                import socket, struct, time
                s = socket.create_connection(("%s", 85), timeout=5)
                s.sendall(b"hello")
                time.sleep(0.2)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.close()
                '""".formatted(ip);
    }

    /**
     * A python3 command that sends {@code bytes} to {@code ip}:84 and reads until the server closes; it connects
     * again when the loss takes the SYN and its one retry (the client namespace has syn_retries=1).
     */
    private static String lossyClient(String ip, int bytes) {
        return """
                python3 -c '
                import socket
                for attempt in range(6):
                    try:
                        s = socket.create_connection(("%s", 84), timeout=60)
                        break
                    except OSError:
                        pass
                s.sendall(b"x" * %d)
                s.shutdown(socket.SHUT_WR)
                while s.recv(4096): pass
                '""".formatted(ip, bytes);
    }

    private static RemoteNode remote(Recording r, String address, int port) {
        List<RemoteNode> found = r.graph.nodes().stream().filter(n -> n instanceof RemoteNode rn
                && rn.address().equals(address) && rn.port() == port).map(RemoteNode.class::cast).toList();
        assertThat(found).as("remote %s:%d in %s", address, port, r.graph.nodes()).hasSize(1);
        return found.getFirst();
    }

    private static Edge connect(Recording r, String address, int port) {
        RemoteNode target = remote(r, address, port);
        List<Edge> edges = r.edgesTo(target).stream().filter(e -> e.verb() == Verb.CONNECT).toList();
        assertThat(edges).as("one connect edge to %s:%d", address, port).hasSize(1);
        return edges.getFirst();
    }

    private static TcpCounts tcp(Recording r, String address, int port) {
        Edge edge = connect(r, address, port);
        assertThat(edge.net()).as("network evidence on the connect to %s:%d", address, port).isNotNull();
        assertThat(edge.net().tcp()).isNotNull();
        return edge.net().tcp();
    }

    private static void sh(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("setup: %s", out).isZero();
    }
}
