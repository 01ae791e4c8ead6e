package io.changegraph.monitor;

import io.changegraph.impact.Impact;
import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ObjectRef;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Summary;
import io.changegraph.repository.model.Verb;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Offline evaluation: a recorded graph's edges become events again, in the order of their first
 * occurrence, and go through the same {@link RuleEngine} as live events. An edge with several details
 * (chmod 0644 and 4755) becomes one event per detail. Ancestry comes from spawn edges, else from ppid.
 * Each rule annotates an edge at most once.
 */
final class GraphReplay implements SessionContext {
    private final GraphDocument graph;
    private final Map<String, Node> nodes = new HashMap<>();
    private final Map<String, String> parentOf = new HashMap<>();
    private String currentTarget;

    private GraphReplay(GraphDocument graph) {
        this.graph = graph;
        graph.nodes().forEach(n -> nodes.put(n.id(), n));
        for (Edge edge : graph.edges()) {
            if (edge.verb() == Verb.SPAWN && nodes.get(edge.target()) instanceof ProcessNode) {
                parentOf.putIfAbsent(edge.target(), edge.source());
            }
        }
        Map<Integer, List<ProcessNode>> byPid = new HashMap<>();
        for (Node node : graph.nodes()) {
            if (node instanceof ProcessNode p) {
                byPid.computeIfAbsent(p.pid(), k -> new ArrayList<>()).add(p);
            }
        }
        for (Node node : graph.nodes()) {
            if (node instanceof ProcessNode child && !parentOf.containsKey(child.id())) {
                byPid.getOrDefault(child.ppid(), List.of()).stream()
                        .filter(parent -> parent.startNs() <= child.startNs() && !parent.id().equals(child.id()))
                        .max(Comparator.comparingLong(ProcessNode::startNs))
                        .ifPresent(parent -> parentOf.put(child.id(), parent.id()));
            }
        }
    }

    static List<Alert> evaluate(RuleSet rules, GraphDocument graph) {
        GraphReplay replay = new GraphReplay(graph);
        RuleEngine engine = new RuleEngine(rules.rules());
        Map<String, Alert> alerts = new LinkedHashMap<>();
        for (Replayed replayed : replay.events()) {
            replay.currentTarget = replayed.edge().target();
            for (Hit hit : engine.evaluate(replayed.event(), replay)) {
                alerts.putIfAbsent(hit.rule().id() + "|" + replayed.key(), hit.alert());
            }
        }
        BehaviourRules behaviours = new BehaviourRules(rules.rules());
        if (!behaviours.isEmpty()) {
            Summary summary = graph.summary() != null ? graph.summary() : Impact.summarise(graph);
            for (Hit hit : behaviours.evaluate(graph, summary, replay)) {
                alerts.putIfAbsent(hit.rule().id() + "|" + hit.object(), hit.alert());
            }
        }
        return alerts.values().stream()
                .sorted(Comparator.comparing(Alert::time).thenComparing(Alert::ruleId)
                        .thenComparing(a -> Objects.requireNonNullElse(a.edgeTarget(), "")))
                .toList();
    }

    static String describe(Alert alert, GraphDocument graph) {
        return new GraphReplay(graph).describe(alert);
    }

    /** {@link #describe(Alert, GraphDocument)} for many alerts of one graph: the graph is indexed once. */
    static List<String> describe(List<Alert> alerts, GraphDocument graph) {
        GraphReplay replay = new GraphReplay(graph);
        return alerts.stream().map(replay::describe).toList();
    }

    private String describe(Alert alert) {
        GraphReplay replay = this;
        String sourceId = alert.edgeSource() != null ? alert.edgeSource() : alert.node();
        String subject = replay.nodes.get(sourceId) instanceof ProcessNode p ? Hit.label(p)
                : Objects.requireNonNullElse(sourceId, "?");
        Node target = alert.edgeTarget() == null ? null : replay.nodes.get(alert.edgeTarget());
        String object = switch (target) {
            case null -> Objects.requireNonNullElse(alert.edgeTarget(), "");
            case FileNode file -> String.join(" -> ", file.paths());
            default -> Hit.describe(replay.objectOf(target, alert.edgeVerb()), alert.edgeVerb(), null);
        };
        String verb = alert.edgeVerb() == null ? "" : alert.edgeVerb().wireName() + " ";
        return (alert.time() + "  " + alert.severity() + "  " + alert.ruleId() + "  " + subject + " " + verb
                + object).strip() + (alert.edgeVerb() == null ? "  " + alert.description() : "");
    }

    @Override
    public String sessionId() {
        return graph.session().id();
    }

    @Override
    public List<ProcessNode> ancestors(ProcessNode process) {
        List<ProcessNode> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String id = parentOf.get(process.id());
        while (id != null && seen.add(id) && nodes.get(id) instanceof ProcessNode parent) {
            out.add(parent);
            id = parentOf.get(id);
        }
        return out;
    }

    @Override
    public String targetId(Event event) {
        return currentTarget;
    }

    /** @param key the edge's key, made once (sorting a big graph's events asked for it millions of times) */
    private record Replayed(Edge edge, Event event, String key) {
    }

    private List<Replayed> events() {
        Instant fallback = Objects.requireNonNullElse(graph.session().started(), Instant.EPOCH);
        List<Replayed> out = new ArrayList<>();
        for (Edge edge : graph.edges()) {
            if (!(nodes.get(edge.source()) instanceof ProcessNode subject)) {
                continue;
            }
            ObjectRef object = objectOf(nodes.get(edge.target()), edge.verb());
            if (object == null) {
                continue;
            }
            Instant time = Objects.requireNonNullElse(edge.first(), fallback);
            long count = Math.max(1, edge.count());
            List<String> details = edge.details().isEmpty() ? Collections.singletonList(null)
                    : edge.details();
            long rest = Math.max(1, count - (details.size() - 1));
            String key = edge.key();
            for (int i = 0; i < details.size(); i++) {
                long n = i == 0 ? rest : 1;
                long failed = i == 0 ? Math.min(edge.failed(), n) : 0;
                out.add(new Replayed(edge, new Event(time, subject, edge.verb(), object, n, 0, failed,
                        details.get(i)), key));
            }
        }
        out.sort(Comparator.comparing((Replayed r) -> r.event().time()).thenComparing(Replayed::key));
        return out;
    }

    /** The object an edge's target stands for; a moved file (rename) is named by the path it was moved from. */
    private ObjectRef objectOf(Node target, Verb verb) {
        return switch (target) {
            case FileNode file -> new FileRef(verb != null && verb.movesObject() && file.paths().size() > 1
                    ? file.paths().get(file.paths().size() - 2) : file.path(), file.inode(), file.resolved());
            case ProcessNode process -> process;
            case RemoteNode remote -> remote;
            case ModuleNode module -> module;
            case null -> null;
        };
    }
}
