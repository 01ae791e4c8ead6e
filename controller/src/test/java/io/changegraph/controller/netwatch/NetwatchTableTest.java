package io.changegraph.controller.netwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changegraph.probes.NetwatchProbe.Flow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** netwatch's aggregation: the kernel's sums into rows per key, worst first, bounded. */
class NetwatchTableTest {
    private static final byte[] SERVER = {10, 1, 2, 3};
    private static final CgroupNames.Cgroup NONE = CgroupNames.Cgroup.UNKNOWN;

    /** The kernel's sums for one key (netwatch.bpf.c classified each connection at its close). */
    private static Flow flow(int port, int connections, int synRetransmits, int refused, int timedOut,
                             int resetsReceived, int resetsSent) {
        return new Flow(77, 4242, "curl", 2, SERVER, port, connections, synRetransmits, 0, refused, timedOut,
                resetsReceived, resetsSent);
    }

    private static String line(NetwatchTable.Row r) {
        return r.key().exe() + " " + r.key().destination() + " conns=" + r.connections() + " syn=" + r.synRetransmits()
                + " refused=" + r.refused() + " timeout=" + r.timedOut() + " rst=" + r.resetsReceived() + "/"
                + r.resetsSent();
    }

    @Test
    void kernelSums_areSummedPerExecutableCgroupAndDestination_acrossDrains() {
        NetwatchTable table = new NetwatchTable(16);
        table.add(flow(81, 1, 1, 0, 1, 0, 0), "/usr/bin/curl", NONE, null); // DROP: retransmits, timeout (one drain)
        table.add(flow(81, 1, 2, 0, 0, 0, 0), "/usr/bin/curl", NONE, null); // the next drain: retransmitted, gave up
        table.add(flow(82, 1, 0, 1, 0, 0, 0), "/usr/bin/curl", NONE, null); // REJECT tcp-reset
        table.add(flow(83, 1, 0, 0, 0, 1, 0), "/usr/bin/curl", NONE, null); // reset after accept
        table.add(flow(83, 1, 0, 0, 0, 0, 1), "/usr/bin/wget", NONE, null); // another executable

        NetwatchTable.Interval interval = table.take();

        assertThat(interval.rows()).extracting(NetwatchTableTest::line).containsExactly(
                "/usr/bin/curl 10.1.2.3:81 conns=2 syn=3 refused=0 timeout=1 rst=0/0",
                "/usr/bin/curl 10.1.2.3:82 conns=1 syn=0 refused=1 timeout=0 rst=0/0",
                "/usr/bin/curl 10.1.2.3:83 conns=1 syn=0 refused=0 timeout=0 rst=1/0",
                "/usr/bin/wget 10.1.2.3:83 conns=1 syn=0 refused=0 timeout=0 rst=0/1");
        assertThat(interval.evicted()).isZero();
        assertThat(table.take().rows()).as("each interval starts empty").isEmpty();
    }

    @Test
    void fullTable_evictsTheLeastRecentlyUpdatedRow_andCountsIt() {
        NetwatchTable table = new NetwatchTable(2);
        table.add(flow(1, 1, 1, 0, 0, 0, 0), "/a", NONE, null);
        table.add(flow(2, 1, 1, 0, 0, 0, 0), "/a", NONE, null);
        table.add(flow(1, 1, 1, 0, 0, 0, 0), "/a", NONE, null); // port 1 is the recent one now
        table.add(flow(3, 1, 1, 0, 0, 0, 0), "/a", NONE, null); // evicts port 2

        NetwatchTable.Interval interval = table.take();

        assertThat(interval.rows()).extracting(r -> r.key().destination()).containsExactly("10.1.2.3:1", "10.1.2.3:3");
        assertThat(interval.evicted()).isEqualTo(1);
        assertThatThrownBy(() -> new NetwatchTable(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jsonLines_oneObjectPerRow_thenTheInterval() throws Exception {
        NetwatchTable table = new NetwatchTable(4);
        table.add(flow(82, 1, 0, 1, 0, 0, 0), "/usr/bin/curl", NONE, "api.internal");
        String text = NetwatchOutput.jsonLines(Instant.parse("2026-12-06T08:00:00Z"), Duration.ofSeconds(10),
                table.take(), 3);

        List<String> lines = text.lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode row = new ObjectMapper().readTree(lines.get(0));
        assertThat(row.get("type").asText()).isEqualTo("flow");
        assertThat(row.get("exe").asText()).isEqualTo("/usr/bin/curl");
        assertThat(row.get("cgroup_id").asLong()).isEqualTo(77);
        assertThat(row.get("destination").asText()).isEqualTo("10.1.2.3:82");
        assertThat(row.get("name").asText()).isEqualTo("api.internal");
        assertThat(row.get("refused").asLong()).isEqualTo(1);
        assertThat(row.get("resets_received").asLong()).as("the refusing reset is the refusal").isZero();
        JsonNode interval = new ObjectMapper().readTree(lines.get(1));
        assertThat(interval.get("type").asText()).isEqualTo("interval");
        assertThat(interval.get("lost").asLong()).isEqualTo(3);
        assertThat(interval.get("interval_seconds").asDouble()).isEqualTo(10.0);
    }

    @Test
    void jsonLines_carryCgroupPathContainerPodAndRetransmits_andTheIntervalNameCounters() throws Exception {
        NetwatchTable table = new NetwatchTable(4);
        String id = "4f1c0a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a";
        CgroupNames.Cgroup cgroup = CgroupNames.describe("/system.slice/docker-" + id + ".scope");
        table.add(new Flow(77, 4242, "curl", 2, SERVER, 84, 1, 0, 5, 0, 0, 0, 0), "/usr/bin/curl", cgroup, null);

        List<String> lines = NetwatchOutput.jsonLines(Instant.parse("2026-12-06T08:00:00Z"), Duration.ofSeconds(1),
                table.take().withNames(3, 1), 0).lines().toList();

        JsonNode row = new ObjectMapper().readTree(lines.get(0));
        assertThat(row.get("cgroup").asText()).isEqualTo("/system.slice/docker-" + id + ".scope");
        assertThat(row.get("container").asText()).isEqualTo(id);
        assertThat(row.get("pod").isNull()).isTrue();
        assertThat(row.get("name").isNull()).as("no DNS name known").isTrue();
        assertThat(row.get("retransmits").asLong()).as("data retransmits alone make a row").isEqualTo(5);
        JsonNode interval = new ObjectMapper().readTree(lines.get(1));
        assertThat(interval.get("dns_answers").asLong()).isEqualTo(3);
        assertThat(interval.get("names_evicted").asLong()).isEqualTo(1);
    }

    @Test
    void table_showsNameAndContainer_elseCgroupPath_elseItsId() {
        NetwatchTable table = new NetwatchTable(8);
        String id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        table.add(flow(82, 1, 0, 1, 0, 0, 0), "/usr/bin/curl",
                CgroupNames.describe("/system.slice/docker-" + id + ".scope"), "api.internal");
        table.add(flow(81, 1, 1, 0, 1, 0, 0), "/usr/bin/wget",
                CgroupNames.describe("/user.slice/user-0.slice/session-3.scope"), null);
        table.add(flow(83, 1, 0, 0, 0, 1, 0), "/usr/bin/nc", NONE, null);

        String text = NetwatchOutput.table(Instant.parse("2026-12-06T08:00:00Z"), Duration.ofSeconds(10), table.take(), 0,
                20);

        assertThat(text.lines().toList()).hasSize(5);
        assertThat(text).contains("name", "container / cgroup");
        assertThat(text.lines().filter(l -> l.contains("10.1.2.3:82")).findFirst().orElseThrow())
                .contains("api.internal").endsWith("0123456789ab");
        assertThat(text.lines().filter(l -> l.contains("10.1.2.3:81")).findFirst().orElseThrow())
                .endsWith("/user.slice/user-0.slice/session-3.scope");
        assertThat(text.lines().filter(l -> l.contains("10.1.2.3:83")).findFirst().orElseThrow()).endsWith("#77");
    }
}
