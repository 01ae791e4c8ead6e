package io.changegraph.controller.cli;

import io.changegraph.repository.io.JsonMappers;
import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.UsageException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.changegraph.control.Fleet;
import io.changegraph.control.FleetException;
import io.changegraph.control.HostStatus;
import io.changegraph.repository.io.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code changegraph fleet hosts}: every agent registered now (an agent that died is gone within its lease's TTL). */
@Command(name = "hosts", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List the agents registered in etcd, sorted by host: group, version, the etcd revisions of the"
                + " rules and config they run (0: their own files), live sessions, CPU, RSS, events/s, losses and"
                + " degradation. A host whose agent stopped or died turns down within its lease (5 s by default) and is listed"
                + " as down while it was seen within the last hour.",
        footer = {"", "Example: changegraph fleet hosts --endpoints http://127.0.0.1:2379"})
final class FleetHostsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private FleetOptions etcd;

    @Option(names = "--json", description = "a JSON array, one object per host")
    boolean json;

    @Override
    public Integer call() {
        List<HostStatus> hosts;
        List<HostStatus> down;
        try (Fleet fleet = etcd.connect()) {
            hosts = fleet.hosts();
            down = fleet.recentlyDown(DOWN_WITHIN);
        } catch (FleetException e) {
            throw new UsageException(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ArrayNode a = JsonMappers.SORTED.createArrayNode();
            for (HostStatus h : sorted(hosts, down)) {
                a.addObject().put("host", h.host()).put("group", h.group()).put("version", h.version())
                        .put("rules_revision", h.rulesRevision()).put("rules_digest", h.rulesDigest())
                        .put("config_revision", h.configRevision()).put("live_sessions", h.liveSessions())
                        .put("cpu_percent", h.cpuPercent()).put("rss_bytes", h.rssBytes())
                        .put("events_per_second", h.eventsPerSecond()).put("losses", h.losses())
                        .put("degradation", h.degradation()).put("updated", h.updated().toString()).put("state", down.contains(h) ? "down" : "up");
            }
            out.println(a.toPrettyString());
        } else {
            out.println(table(hosts, down, Instant.now()));
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** Hosts that left the registry are listed as down while they were seen within this. */
    static final Duration DOWN_WITHIN = Duration.ofHours(1);

    private static List<HostStatus> sorted(List<HostStatus> up, List<HostStatus> down) {
        List<HostStatus> all = new java.util.ArrayList<>(up);
        all.addAll(down);
        all.sort(java.util.Comparator.comparing(HostStatus::host));
        return all;
    }

    static String table(List<HostStatus> hosts, List<HostStatus> down, Instant now) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-20s %-5s %-10s %-18s %14s %-19s %15s %8s %6s %8s %9s %7s %-12s %s%n",
                "HOST", "STATE", "GROUP", "VERSION", "RULES REVISION", "RULES DIGEST", "CONFIG REVISION", "SESSIONS", "CPU%",
                "RSS MiB", "EVENTS/S", "LOSSES", "DEGRADATION", "SEEN"));
        for (HostStatus h : sorted(hosts, down)) {
            long age = Math.max(0, Duration.between(h.updated(), now).toSeconds());
            b.append(String.format(Locale.ROOT, "%-20s %-5s %-10s %-18s %14d %-19s %15d %8d %6.2f %8d %9.1f %7d %-12s %ds ago%n",
                    TerminalText.line(h.host()), down.contains(h) ? "down" : "up", TerminalText.line(h.group()), TerminalText.line(h.version()),
                    h.rulesRevision(), TerminalText.line(h.rulesDigest()), h.configRevision(), h.liveSessions(),
                    h.cpuPercent(), h.rssBytes() >> 20, h.eventsPerSecond(), h.losses(),
                    TerminalText.line(h.degradation()), age));
        }
        b.append(hosts.size()).append(hosts.size() == 1 ? " host" : " hosts").append(" up");
        if (!down.isEmpty()) {
            b.append(", ").append(down.size()).append(" down (seen within the last hour; figures as last reported)");
        }
        return b.toString();
    }
}
