package io.changegraph.repository.diff;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changegraph.repository.io.JsonMappers;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Verb;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The outcome of {@link GraphDiff#compare}: the differences, most important first (see {@link Importance}),
 * as text for people, JSON for pipelines ({@code changegraph-diff/v1}) and a union graph for the viewer.
 */
public final class DiffReport {
    public static final String SCHEMA = "changegraph-diff/v1";
    private static final ObjectMapper MAPPER = JsonMappers.SORTED;

    private final GraphDocument canary;
    private final GraphDocument production;
    private final DiffOptions options;
    private final List<Difference> differences;
    private final List<ImpactDifference> impact;
    private final Supplier<DiffUnion> unionBuilder;
    private DiffUnion union;

    DiffReport(GraphDocument canary, GraphDocument production, DiffOptions options, List<Difference> differences,
               List<ImpactDifference> impact, Supplier<DiffUnion> unionBuilder) {
        this.canary = canary;
        this.production = production;
        this.options = options;
        this.differences = List.copyOf(differences);
        this.impact = impact == null ? null : List.copyOf(impact);
        this.unionBuilder = unionBuilder;
    }

    /** Whether the runs differ at all: in what they changed or in any behaviour. */
    public boolean hasDifferences() {
        return !differences.isEmpty() || (impact != null && !impact.isEmpty());
    }

    /**
     * The differences in change terms (command, behaviours, file net effects, remotes, processes left running), or
     * null when either graph came without a {@link GraphDocument#summary() summary}.
     */
    public List<ImpactDifference> impact() {
        return impact;
    }

    /** Every difference, most important first, then by ancestry, verb and target. */
    public List<Difference> differences() {
        return differences;
    }

    /** Both graphs as one, with per-node and per-edge status; built on first call. */
    public synchronized DiffUnion union() {
        if (union == null) {
            union = unionBuilder.get();
        }
        return union;
    }

    /** The human-readable report without edge-level detail when there is an impact section: {@code text(false)}. */
    public String text() {
        return text(false);
    }

    /**
     * The human-readable report: a header per run, then, when both graphs have summaries, what the runs changed
     * differently ({@code + production also deleted /etc/x}) and a line counting the edge-level differences, which
     * {@code detail} lists; without summaries, the edge-level list. The edge-level list groups differences under the
     * ancestry of the process where they happened ({@code bash -l > deploy.sh > sed -i ...}); groups come in the
     * order of their most important difference. {@code -} only in canary, {@code +} only in production, {@code ~}
     * changed.
     */
    public String text(boolean detail) {
        StringBuilder out = new StringBuilder();
        out.append("canary:     ").append(describe(canary)).append('\n');
        out.append("production: ").append(describe(production)).append('\n');
        if (!hasDifferences()) {
            out.append("no differences: both runs show the same behaviour\n");
            return out.toString();
        }
        if (impact != null) {
            if (impact.isEmpty()) {
                out.append("what they changed: no difference\n");
            } else {
                out.append("what they changed: ").append(impact.size()).append(impact.size() == 1 ? " difference\n" : " differences\n");
                for (ImpactDifference change : impact) {
                    out.append("  ").append(symbol(change.status())).append(' ').append(change.text()).append('\n');
                }
            }
            out.append('\n');
        }
        Map<DiffStatus, Integer> counts = counts();
        String edgeLevel = impact == null ? "" : "edge level: ";
        out.append(edgeLevel).append(differences.size()).append(differences.size() == 1 ? " difference: " : " differences: ")
                .append(counts.get(DiffStatus.ONLY_CANARY)).append(" only in canary, ")
                .append(counts.get(DiffStatus.ONLY_PRODUCTION)).append(" only in production, ")
                .append(counts.get(DiffStatus.CHANGED)).append(" changed");
        if (impact != null && !detail) {
            out.append(differences.isEmpty() ? "\n" : " (--detail lists them)\n");
            return out.toString();
        }
        out.append('\n');
        Map<List<String>, List<Difference>> groups = new LinkedHashMap<>();
        for (Difference difference : differences) {
            groups.computeIfAbsent(difference.ancestry(), chain -> new ArrayList<>()).add(difference);
        }
        groups.forEach((chain, members) -> {
            out.append('\n').append(String.join(" > ", chain)).append('\n');
            for (Difference difference : members) {
                out.append("  ").append(line(difference)).append('\n');
                difference.effects().forEach(effect -> out.append("      ").append(effect).append('\n'));
            }
        });
        return out.toString();
    }

    /** The machine-readable report, {@code changegraph-diff/v1}: keys sorted, differences in report order. */
    public String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schema", SCHEMA);
        root.put("equal", !hasDifferences());
        root.put("canary", run(canary));
        root.put("production", run(production));
        root.put("options", options());
        Map<String, Object> summary = new LinkedHashMap<>();
        counts().forEach((status, count) -> summary.put(status.wireName(), count));
        summary.remove(DiffStatus.SAME.wireName());
        root.put("summary", summary);
        root.put("differences", differences.stream().map(DiffReport::json).toList());
        root.put("impact", impact == null ? null : impactJson());
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a report of plain values always serialises", e);
        }
    }

    /** {@code {summary: {only_canary, only_production, changed}, differences: [...]}}, in report order. */
    private Map<String, Object> impactJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> summary = new LinkedHashMap<>();
        for (DiffStatus status : List.of(DiffStatus.ONLY_CANARY, DiffStatus.ONLY_PRODUCTION, DiffStatus.CHANGED)) {
            summary.put(status.wireName(), impact.stream().filter(change -> change.status() == status).count());
        }
        json.put("summary", summary);
        json.put("differences", impact.stream().map(change -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("area", change.area());
            item.put("kind", change.kind());
            item.put("status", change.status().wireName());
            item.put("subject", change.subject());
            item.put("text", change.text());
            item.put("canary", change.canary());
            item.put("production", change.production());
            item.put("evidence", change.evidence());
            return item;
        }).toList());
        return json;
    }

    /** The options the comparison ran with, so a pipeline can tell what was left out. */
    private Map<String, Object> options() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("count_tolerance", options.countTolerance());
        json.put("ignore_paths", options.ignorePaths());
        json.put("ignore_verbs", options.ignoreVerbs().stream().map(Verb::wireName).sorted().toList());
        json.put("remote_match", options.remoteMatch().name().toLowerCase(Locale.ROOT));
        json.put("normalization_rules", options.normalization().rules().stream().map(NormalizationRule::name).toList());
        json.put("session_names", options.normalization().sessionNames());
        json.put("session_pids", options.normalization().sessionPids());
        json.put("ephemeral_ports", options.normalization().ephemeralPorts());
        return json;
    }

    private Map<DiffStatus, Integer> counts() {
        Map<DiffStatus, Integer> counts = new EnumMap<>(DiffStatus.class);
        for (DiffStatus status : DiffStatus.values()) {
            counts.put(status, 0);
        }
        differences.forEach(difference -> counts.merge(difference.status(), 1, Integer::sum));
        return counts;
    }

    private static String symbol(DiffStatus status) {
        return switch (status) {
            case ONLY_CANARY -> "-";
            case ONLY_PRODUCTION -> "+";
            case CHANGED, SAME -> "~";
        };
    }

    private static String line(Difference difference) {
        String what = "%s %-13s %s".formatted(symbol(difference.status()), difference.verb().wireName(), difference.target())
                .stripTrailing();
        String why = switch (difference.status()) {
            case ONLY_CANARY -> "only in canary" + outcome(difference.canary());
            case ONLY_PRODUCTION -> "only in production" + outcome(difference.production());
            case CHANGED, SAME -> "changed: " + String.join("; ", difference.reasons());
        };
        return what + "    (" + why + ")";
    }

    private static String outcome(Difference.Outcome outcome) {
        StringBuilder text = new StringBuilder();
        if (outcome.count() != 1) {
            text.append(", ").append(outcome.count()).append(" calls");
        }
        if (outcome.bytes() > 0) {
            text.append(", ").append(outcome.bytes()).append(" bytes");
        }
        if (outcome.failed() > 0) {
            text.append(", ").append(outcome.failed() == outcome.count() ? "failed" : outcome.failed() + " failed");
        }
        if (!outcome.details().isEmpty()) {
            text.append(", ").append(String.join(" ", outcome.details()));
        }
        return text.toString();
    }

    private static String describe(GraphDocument graph) {
        Session session = graph.session();
        return "session " + session.id() + " on " + blankAsUnknown(session.host()) + " by " + blankAsUnknown(session.user())
                + (session.started() == null ? "" : " at " + session.started()) + ", " + graph.nodes().size() + " nodes, "
                + graph.edges().size() + " edges";
    }

    private static String blankAsUnknown(String text) {
        return text.isEmpty() ? "?" : text;
    }

    private static Map<String, Object> run(GraphDocument graph) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("session", graph.session().id());
        run.put("host", graph.session().host());
        run.put("user", graph.session().user());
        run.put("nodes", graph.nodes().size());
        run.put("edges", graph.edges().size());
        return run;
    }

    private static Map<String, Object> json(Difference difference) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("status", difference.status().wireName());
        json.put("importance", difference.importance().wireName());
        json.put("ancestry", difference.ancestry());
        json.put("verb", difference.verb().wireName());
        json.put("target", difference.target());
        json.put("canary", json(difference.canary()));
        json.put("production", json(difference.production()));
        json.put("reasons", difference.reasons());
        json.put("effects", difference.effects());
        return json;
    }

    private static Map<String, Object> json(Difference.Outcome outcome) {
        if (outcome == null) {
            return null;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("count", outcome.count());
        json.put("bytes", outcome.bytes());
        json.put("failed", outcome.failed());
        json.put("details", outcome.details());
        return json;
    }
}
