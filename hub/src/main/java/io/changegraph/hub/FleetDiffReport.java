package io.changegraph.hub;

import io.changegraph.repository.diff.ImpactDifference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of {@link FleetDiff#compare}: the canary and one row per production host, ranked (see
 * {@link FleetDiff}). {@link #fields()} is the body of {@code GET /api/v1/fleet/diff}.
 */
record FleetDiffReport(FleetRun canary, List<HostRow> hosts) {
    FleetDiffReport {
        Objects.requireNonNull(canary, "canary");
        hosts = List.copyOf(hosts);
    }

    /**
     * One production host.
     *
     * @param run         its matching session, null when it has none
     * @param differences the impact differences to the canary, texts naming the host instead of "production"
     * @param note        why there is nothing to compare (no session, no summary yet), else null
     */
    record HostRow(String host, FleetRun run, List<ImpactDifference> differences, String note) {
        HostRow {
            Objects.requireNonNull(host, "host");
            differences = List.copyOf(differences);
        }

        List<String> extra() {
            return differences.stream().filter(FleetDiff::extra).map(ImpactDifference::text).toList();
        }

        List<String> missing() {
            return differences.stream().filter(FleetDiff::missing).map(ImpactDifference::text).toList();
        }

        List<String> changed() {
            return differences.stream().filter(d -> !FleetDiff.extra(d) && !FleetDiff.missing(d))
                    .map(ImpactDifference::text).toList();
        }
    }

    /** The hosts that deviate (differences, no session or no summary), in rank order. */
    List<String> deviating() {
        return hosts.stream().filter(row -> row.note() != null || !row.differences().isEmpty()).map(HostRow::host).toList();
    }

    Map<String, Object> fields() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("canary", run(canary));
        json.put("hosts", hosts.stream().map(FleetDiffReport::row).toList());
        json.put("deviating", deviating());
        return json;
    }

    static Map<String, Object> run(FleetRun run) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("host", run.host());
        json.put("id", run.id());
        json.put("user", run.user());
        json.put("uid", run.uid());
        json.put("command", run.command());
        json.put("started", run.started().toString());
        json.put("ended", run.ended() == null ? null : run.ended().toString());
        json.put("state", run.state());
        return json;
    }

    private static Map<String, Object> row(HostRow row) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("host", row.host());
        json.put("session", row.run() == null ? null : row.run().id());
        json.put("started", row.run() == null ? null : row.run().started().toString());
        json.put("state", row.run() == null ? null : row.run().state());
        json.put("deviations", row.differences().size());
        json.put("note", row.note());
        json.put("extra", row.extra());
        json.put("missing", row.missing());
        json.put("changed", row.changed());
        json.put("detail", row.differences().stream().map(FleetDiffReport::difference).toList());
        return json;
    }

    private static Map<String, Object> difference(ImpactDifference d) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("area", d.area());
        json.put("kind", d.kind());
        json.put("status", d.status().wireName());
        json.put("subject", d.subject());
        json.put("text", d.text());
        json.put("canary", d.canary());
        json.put("production", d.production());
        return json;
    }
}
