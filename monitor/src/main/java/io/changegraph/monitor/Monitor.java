package io.changegraph.monitor;

import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.GraphDocument;

import java.io.IOException;
import java.util.List;

/**
 * Risky-behaviour rules evaluated on every new event. {@link #onEvent} is fast and never blocks or
 * throws: it returns the alerts that annotate the graph and hands the hits to background threads that
 * write the JSON lines alert log, aggregate hits per session and rule into one message per window, and
 * deliver it by mail and webhook through a persistent outbox with rate limit and retries.
 */
public interface Monitor extends AutoCloseable {

    /**
     * Starts the alert threads and loads messages left in the outbox by an earlier run.
     *
     * @throws IOException when the alert log or outbox directory cannot be created
     */
    static Monitor start(RuleSet rules, MonitorConfig config) throws IOException {
        return LiveMonitor.start(rules, config);
    }

    /**
     * The same rule evaluation as {@link #start} (same engine, windows and sequences on the events' own time)
     * without threads, log, mail or webhook: for replaying a session's journal and for tests.
     */
    static Monitor quiet(RuleSet rules) {
        return new QuietMonitor(rules);
    }

    /**
     * Replays a recorded graph's edges in time order as events and returns the alerts the rules raise,
     * sorted by time and rule id; no mail, no log.
     */
    static List<Alert> evaluate(RuleSet rules, GraphDocument graph) {
        return GraphReplay.evaluate(rules, graph);
    }

    /**
     * One line for a person: {@code time severity rule-id process verb object}, with the process and
     * object named from the graph's nodes, e.g.
     * {@code 2026-11-21T20:00:01Z critical system-file-delete rm[101] unlink /etc/cg-test}.
     */
    static String describe(Alert alert, GraphDocument graph) {
        return GraphReplay.describe(alert, graph);
    }

    /** {@link #describe(Alert, GraphDocument)} for every alert, in order; the graph is indexed once. */
    static List<String> describe(List<Alert> alerts, GraphDocument graph) {
        return GraphReplay.describe(alerts, graph);
    }

    /**
     * Evaluates one event with its session as context. Returns the alerts to add to the graph (empty
     * when no rule fired). Never throws; when the alert queue is full the hit is still returned but
     * counted in {@link #droppedHits()} instead of being logged and mailed.
     */
    List<Alert> onEvent(Event event, SessionContext context);

    /**
     * Evaluates the behaviour rules ({@code behaviour: package.install}) on the behaviours of the snapshot's
     * summary that are new for its session: call it each time the live summary is recomputed (each flush),
     * before {@link #endSession}. Returns the alerts to add to the graph; never throws.
     */
    default List<Alert> onSummary(GraphDocument snapshot, SessionContext context) {
        return List.of();
    }

    /** The session ended: its pending hits are mailed now and its rule state is forgotten. */
    void endSession(String sessionId);

    /** Hits that could not be queued for the log, mail and webhook (queue full). */
    long droppedHits();

    /** Messages not delivered yet; after {@link #close()}, those left in the outbox. */
    int pendingMessages();

    /** The outbox directory where undelivered messages wait, or null when they are kept in memory only. */
    java.nio.file.Path outbox();

    /**
     * Sends every message waiting in the outbox of {@code config} now, once each, without rate limit or
     * backoff ({@code changegraph alerts flush}); delivered ones are deleted, failed ones stay.
     *
     * @throws IOException when the outbox directory cannot be read
     */
    static FlushReport flush(MonitorConfig config) throws IOException {
        return OutboxFlush.flush(config);
    }

    /**
     * What {@link #flush} did.
     *
     * @param failures one line per message that failed: its id, sink and why
     */
    record FlushReport(int sent, int left, List<String> failures) {
        public FlushReport {
            failures = List.copyOf(failures);
        }
    }

    /**
     * Closes the open aggregation windows into the outbox, waits up to {@link MonitorConfig#drain()} for
     * the outbox to be delivered, and stops the threads; what is still unsent stays in the outbox
     * ({@link #pendingMessages()}) for the next start or {@code changegraph alerts flush}.
     */
    @Override
    void close();
}
