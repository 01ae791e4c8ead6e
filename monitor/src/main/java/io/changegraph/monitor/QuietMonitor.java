package io.changegraph.monitor;

import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.Event;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link Monitor#quiet}: the live monitor's rule evaluation (the same {@link RuleEngine}, the same per-session
 * windows and sequences, time taken from the events) without its threads, log, mail or webhook. Replaying a
 * session's events through it gives the alerts the live monitor gave.
 */
final class QuietMonitor implements Monitor {
    private final RuleEngine engine;
    private final BehaviourRules behaviours;

    QuietMonitor(RuleSet rules) {
        this.engine = new RuleEngine(rules.rules());
        this.behaviours = new BehaviourRules(rules.rules());
    }

    @Override
    public List<Alert> onSummary(io.changegraph.repository.model.GraphDocument snapshot, SessionContext context) {
        if (behaviours.isEmpty() || snapshot == null || snapshot.summary() == null) {
            return List.of();
        }
        return behaviours.evaluate(snapshot, snapshot.summary(), context).stream().map(Hit::alert).toList();
    }

    @Override
    public int pendingMessages() {
        return 0;
    }

    @Override
    public java.nio.file.Path outbox() {
        return null;
    }

    @Override
    public List<Alert> onEvent(Event event, SessionContext context) {
        List<Hit> hits = engine.evaluate(event, context);
        if (hits.isEmpty()) {
            return List.of();
        }
        List<Alert> alerts = new ArrayList<>(hits.size());
        hits.forEach(hit -> alerts.add(hit.alert()));
        return alerts;
    }

    @Override
    public void endSession(String sessionId) {
        engine.endSession(sessionId);
        behaviours.endSession(sessionId);
    }

    @Override
    public long droppedHits() {
        return 0;
    }

    @Override
    public void close() {
    }
}
