package io.changegraph.monitor;

import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Summary;
import io.changegraph.repository.model.SummaryBehaviour;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evaluates behaviour rules ({@code behaviour: package.install}) on a session's summary. A summary is
 * recomputed as the session grows; each behaviour (kind and subject: its detail may still grow, "3 files"
 * then "5 files") is evaluated once per session, when it first appears, and not at all when the document
 * already carries its alert (a session resumed from its journal). A hit annotates the behaviour's first
 * process (a node alert) at the time of its earliest evidence edge, so live and offline evaluation agree.
 */
final class BehaviourRules {
    /** Most remembered behaviours per session; a session with more re-evaluates the oldest. */
    private static final int MEMORY = 65_536;

    private final List<Rule> rules;
    private final Map<String, Set<String>> seen = new ConcurrentHashMap<>();

    BehaviourRules(List<Rule> all) {
        this.rules = all.stream().filter(r -> r.behaviour() != null).toList();
    }

    boolean isEmpty() {
        return rules.isEmpty();
    }

    /** The hits of the behaviours of {@code summary} not evaluated before in this session, in summary order. */
    List<Hit> evaluate(GraphDocument document, Summary summary, SessionContext context) {
        if (rules.isEmpty() || summary == null || summary.behaviours().isEmpty()) {
            return List.of();
        }
        Set<String> done = seen.computeIfAbsent(context.sessionId(), id -> java.util.Collections.newSetFromMap(
                new LinkedHashMap<>() {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                        return size() > MEMORY;
                    }
                }));
        List<Hit> hits = new ArrayList<>();
        Lookup lookup = null;
        synchronized (done) {
            for (SummaryBehaviour behaviour : summary.behaviours()) {
                if (!done.add(behaviour.kind() + "\n" + behaviour.subject())) {
                    continue;
                }
                for (Rule rule : rules) {
                    if (!rule.behaviour().matches(behaviour.kind(), behaviour.subject())
                            || alreadyAlerted(document, rule, behaviour)) {
                        continue;
                    }
                    if (lookup == null) {
                        lookup = new Lookup(document);
                    }
                    Hit hit = hit(rule, behaviour, lookup, context);
                    if (hit != null) {
                        hits.add(hit);
                    }
                }
            }
        }
        return hits;
    }

    /** The description of a hit without the behaviour's detail: {@code <rule description>: <kind> <subject>}. */
    private static String named(Rule rule, SummaryBehaviour behaviour) {
        return (rule.description().isEmpty() ? rule.id() : rule.description()) + ": " + behaviour.kind() + " "
                + behaviour.subject();
    }

    private static boolean alreadyAlerted(GraphDocument document, Rule rule, SummaryBehaviour behaviour) {
        String named = named(rule, behaviour);
        for (Alert alert : document.alerts()) {
            if (alert.node() != null && alert.ruleId().equals(rule.id()) && (alert.description().equals(named)
                    || alert.description().startsWith(named + " ("))) {
                return true;
            }
        }
        return false;
    }

    void endSession(String sessionId) {
        seen.remove(sessionId);
    }

    private static Hit hit(Rule rule, SummaryBehaviour behaviour, Lookup lookup, SessionContext context) {
        ProcessNode process = behaviour.processes().stream().map(lookup.nodes::get)
                .filter(ProcessNode.class::isInstance).map(ProcessNode.class::cast).findFirst()
                .orElse(lookup.root);
        if (process == null) {
            return null;   // a summary without processes names nobody to alert about
        }
        Instant time = null;
        for (String evidence : behaviour.evidence()) {
            Edge edge = lookup.edges.get(evidence);
            if (edge != null && edge.first() != null && (time == null || edge.first().isBefore(time))) {
                time = edge.first();
            }
        }
        time = Objects.requireNonNullElse(time, Objects.requireNonNullElse(lookup.session, Instant.EPOCH));
        String object = behaviour.kind() + " " + behaviour.subject()
                + (behaviour.detail().isEmpty() ? "" : " (" + behaviour.detail() + ")");
        String description = named(rule, behaviour) + (behaviour.detail().isEmpty() ? "" : " (" + behaviour.detail() + ")");
        Alert alert = new Alert(rule.id(), rule.severity().wireName(), description, process.id(), null, null, null,
                time);
        List<ProcessNode> ancestry;
        try {
            ancestry = context.ancestors(process);
        } catch (RuntimeException brokenContext) {
            ancestry = List.of();
        }
        SessionFacts facts;
        try {
            facts = Objects.requireNonNullElse(context.facts(), SessionFacts.of(context.sessionId()));
        } catch (RuntimeException brokenContext) {
            facts = SessionFacts.of(context.sessionId());
        }
        return new Hit(facts, rule, alert, process, ancestry, null, object, false, 1);
    }

    /** Nodes by id, edges by key, the root process and the session start of one document. */
    private static final class Lookup {
        final Map<String, Node> nodes = new HashMap<>();
        final Map<String, Edge> edges = new HashMap<>();
        final ProcessNode root;
        final Instant session;

        Lookup(GraphDocument document) {
            ProcessNode first = null;
            for (Node node : document.nodes()) {
                nodes.put(node.id(), node);
                if (node instanceof ProcessNode p && (first == null || p.pid() == document.session().rootPid())) {
                    first = p;
                }
            }
            for (Edge edge : document.edges()) {
                edges.put(edge.key(), edge);
            }
            root = first;
            session = document.session().started();
        }
    }
}
