package io.changegraph.hub;

import io.changegraph.repository.diff.DiffOptions;
import io.changegraph.repository.diff.DiffStatus;
import io.changegraph.repository.diff.GraphDiff;
import io.changegraph.repository.diff.ImpactDifference;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Stats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One canary session against the same change on many production hosts, in impact-summary terms: for each host,
 * the repository's impact diff ({@link GraphDiff#compare} → {@code DiffReport.impact()}) of the canary's summary
 * and the host's, so host names, user homes, temp names and the like are normalised exactly as
 * {@code changegraph diff} does. Only the summaries take part (a graph of 40,000 edges per host would make 50
 * hosts cost minutes); what the edge-level diff adds is a click away in the viewer.
 *
 * <p>Ranking: hosts without a matching session first (the change did not run there at all), then by
 * behaviour-level deviations (ops behaviours, remotes, processes left running, the command), then by all
 * deviations, then by host name. A host whose summary did not arrive yet is listed last.
 */
final class FleetDiff {
    private static final Set<String> BEHAVIOUR_AREAS = Set.of("command", "behaviour", "remote", "left_running");

    private FleetDiff() {
    }

    /**
     * @param canary   the canary session; it needs a summary
     * @param matched  per production host, its session (the order does not matter)
     * @param without  production hosts the hub knows that have no matching session
     */
    static FleetDiffReport compare(FleetRun canary, Map<String, FleetRun> matched, Set<String> without, DiffOptions options) {
        Objects.requireNonNull(canary, "canary");
        if (canary.summary() == null) {
            throw new IllegalArgumentException("the canary session " + canary.key()
                    + " has no impact summary yet: wait until its agent pushed one (it is sent while recording)");
        }
        GraphDocument canaryDocument = document(canary);
        List<FleetDiffReport.HostRow> rows = new ArrayList<>();
        matched.forEach((host, run) -> {
            if (run.summary() == null) {
                rows.add(new FleetDiffReport.HostRow(host, run, List.of(), "no impact summary yet (state " + run.state() + ")"));
                return;
            }
            List<ImpactDifference> impact = GraphDiff.compare(canaryDocument, document(run), options).impact();
            rows.add(new FleetDiffReport.HostRow(host, run, impact.stream().map(d -> named(d, host)).toList(), null));
        });
        for (String host : without) {
            if (!matched.containsKey(host) && !host.equals(canary.host())) {
                rows.add(new FleetDiffReport.HostRow(host, null, List.of(), "no matching session"));
            }
        }
        rows.sort(RANKING);
        return new FleetDiffReport(canary, rows);
    }

    static final Comparator<FleetDiffReport.HostRow> RANKING = Comparator
            .comparingInt((FleetDiffReport.HostRow row) -> row.run() == null ? 0 : row.note() == null ? 1 : 2)
            .thenComparing(Comparator.comparingLong(FleetDiff::behaviourLevel).reversed())
            .thenComparing(Comparator.comparingInt((FleetDiffReport.HostRow row) -> row.differences().size()).reversed())
            .thenComparing(FleetDiffReport.HostRow::host);

    private static long behaviourLevel(FleetDiffReport.HostRow row) {
        return row.differences().stream().filter(d -> BEHAVIOUR_AREAS.contains(d.area())).count();
    }

    /** The session as a graph with no nodes or edges: its identity (for normalisation) and its summary. */
    static GraphDocument document(FleetRun run) {
        Session session = new Session(run.id(), run.host(), run.user(), 0, run.command(), run.started(), run.ended());
        return new GraphDocument(session, new Stats(0, 0, 0), List.of(), List.of(), List.of(), run.summary());
    }

    /** The impact diff speaks of "production"; in a fleet, that side is one named host. */
    static ImpactDifference named(ImpactDifference d, String host) {
        String text = d.text();
        if (text.startsWith("production ")) {
            text = host + text.substring("production".length());
        }
        text = text.replace(", production ", ", " + host + " ");
        return new ImpactDifference(d.area(), d.kind(), d.status(), d.subject(), text, d.canary(), d.production(), d.evidence());
    }

    /** What the host did that the canary did not. */
    static boolean extra(ImpactDifference d) {
        return d.status() == DiffStatus.ONLY_PRODUCTION;
    }

    /** What the canary did that the host skipped. */
    static boolean missing(ImpactDifference d) {
        return d.status() == DiffStatus.ONLY_CANARY;
    }
}
