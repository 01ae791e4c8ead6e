package io.changegraph.controller.record;

import io.changegraph.consumer.Consumer;
import io.changegraph.consumer.ProcSnapshot;
import io.changegraph.monitor.Monitor;
import io.changegraph.monitor.RuleSet;
import io.changegraph.monitor.SessionContext;
import io.changegraph.monitor.SessionFacts;
import io.changegraph.repository.formats.GraphDeltaFile;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.store.Journal;
import io.changegraph.repository.store.SessionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * One session's pipeline, the same for {@code record} and for every session of the agent:
 * <pre>
 * kernel records ─► consumer (decode; fd and cwd tables) ─► event ─► graph.apply
 *                                                              ├─► journal (agent: crash-safe replay)
 *                                                              ├─► monitor: rule hits ─► graph alerts (first hit
 *                                                              │   per rule and edge), alert log, mail, webhook
 *                                                              └─► event listeners (record: did the root exit?)
 * snapshot(stats) ─► graph document ─► snapshot hooks ─► the caller (web, store)
 * writeSnapshot(file, stats) ─► the same, written to the graph file, plus its delta sidecar (live viewers)
 * finish(ended, stats) ─► session ended, rule state dropped ─► snapshot hooks ─► end hooks
 * </pre>
 *
 * <p><b>One alert policy.</b> Alerts are decided on events, in event order and on the events' own time, by the
 * monitor's rule engine; each rule annotates an edge at most once, with its first hit
 * ({@link ChangeGraph#addAlert}). A journal replay ({@link #replay}) runs the same events through the same
 * evaluation ({@link Monitor#quiet}), so record, the agent, the agent after a restart and {@code check} (which
 * takes a recording's alerts when {@code session.rules} is the digest of its rules) give the same alerts. A
 * session evaluated with rules carries their digest in {@code session.rules}.
 *
 * <p><b>Hooks.</b> {@link #onSnapshot} hooks transform every document the pipeline hands out (e.g. add a summary,
 * evaluate behaviour rules on the whole graph); {@link #atEnd} hooks run once on the final document, after the
 * snapshot hooks. Hooks run on the caller of {@link #snapshot}/{@link #finish}, never on the poll thread.
 *
 * <p>Threads: {@link #accept} and {@link #seed} on one thread at a time (the poll thread, or the agent's
 * registration under the session's lock); {@link #snapshot} and {@link #finish} from any thread (the graph is
 * thread-safe).
 */
public final class SessionPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(SessionPipeline.class);

    private final String id;
    private final ChangeGraph graph;
    private volatile SessionContext context;
    private final Consumer consumer;
    private final Journal journal;
    private final RuleSet rules;
    private volatile Monitor monitor;
    private boolean journaling = true;
    private final List<java.util.function.Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
    private final List<UnaryOperator<GraphDocument>> snapshotHooks = new CopyOnWriteArrayList<>();
    private final List<UnaryOperator<GraphDocument>> endHooks = new CopyOnWriteArrayList<>();

    /**
     * @param rules         the rules the monitor evaluates (their digest goes into {@code session.rules}); null
     *                      without rules
     * @param monitor       the live monitor (shared by the agent's sessions), or null without rules
     * @param journal       where every event is appended (the agent), or null
     * @param epochOffsetNs records' monotonic time to epoch ns ({@link Consumer#epochOffsetNs})
     */
    public SessionPipeline(Session session, RuleSet rules, Monitor monitor, Journal journal, long epochOffsetNs) {
        if ((rules == null) != (monitor == null)) {
            throw new IllegalArgumentException("rules and monitor go together");
        }
        this.id = session.id();
        this.graph = new ChangeGraph(session.withRules(rules == null ? null : rules.digest()));
        this.context = SessionContext.of(session.id(), graph);
        this.rules = rules;
        this.monitor = monitor;
        this.journal = journal;
        this.consumer = Consumer.create(this::onEvent, epochOffsetNs);
        // every document handed out carries its summary (docs/impact.md), recomputed only when events arrived
        this.snapshotHooks.add(new LiveSummaries()::attach);
    }

    /** Who, where and what the session is, for alert mails and webhook posts (by default only its id). */
    public SessionPipeline describedAs(SessionFacts facts) {
        if (!facts.id().equals(id)) {
            throw new IllegalArgumentException("facts of session " + facts.id() + " for session " + id);
        }
        context = SessionContext.of(facts, graph);
        return this;
    }

    /** Runs {@code listener} on every event, after the graph and the monitor (on the poll thread: keep it short). */
    public SessionPipeline onEvent(java.util.function.Consumer<Event> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Transforms every document handed out by {@link #snapshot} and {@link #finish}, in registration order. */
    SessionPipeline onSnapshot(UnaryOperator<GraphDocument> hook) {
        snapshotHooks.add(Objects.requireNonNull(hook, "hook"));
        return this;
    }

    /** Transforms the final document once, after the snapshot hooks. */
    SessionPipeline atEnd(UnaryOperator<GraphDocument> hook) {
        endHooks.add(Objects.requireNonNull(hook, "hook"));
        return this;
    }

    String id() {
        return id;
    }

    ChangeGraph graph() {
        return graph;
    }

    public Consumer consumer() {
        return consumer;
    }

    /** Decodes one ring-buffer record of this session's processes. */
    public void accept(MemorySegment record) {
        consumer.accept(record);
    }

    /** Registers a process that was running before it was followed (parents before children). */
    public void seed(ProcSnapshot process) {
        consumer.seedProcess(process);
    }

    /**
     * Replays a journal into this (fresh) pipeline: the graph and its alerts as the live session had them, the
     * events evaluated by a quiet monitor (no log, mail or webhook: those went out live). Nothing is journaled
     * again. Call before any live record; the live monitor then goes on with empty windows and sequences.
     */
    public Journal.ReplayResult replay(Path journalFile) throws IOException {
        Monitor live = monitor;
        monitor = rules == null ? null : Monitor.quiet(rules);
        journaling = false;
        try {
            Journal.ReplayResult result = Journal.replay(journalFile, this::onEvent);
            if (monitor != null) {
                // the behaviours so far, quietly too: their alerts are in the graph, so the live monitor
                // does not send them again at the next snapshot
                withBehaviourAlerts(hooked(graph.snapshot(), snapshotHooks));
            }
            return result;
        } finally {
            if (monitor != null) {
                monitor.endSession(id());
            }
            monitor = live;
            journaling = true;
        }
    }

    /**
     * A stored session's graph, rebuilt by replaying its journal through a fresh pipeline: the same events through
     * the same rule evaluation ({@link Monitor#quiet}), so the same graph and alerts as when it was live.
     * {@code warnings} gets the journal's problem (torn tail), if any.
     */
    public static GraphDocument rebuild(SessionRecord record, Path journalFile, RuleSet rules,
                                 java.util.function.Consumer<String> warnings) throws IOException {
        // the summary hook is the pipeline's own, so behaviour rules are evaluated on the rebuilt summary too
        SessionPipeline pipeline = new SessionPipeline(record.session(), rules, rules == null ? null : Monitor.quiet(rules),
                null, 0);
        Journal.ReplayResult replay = pipeline.replay(journalFile);
        String warning = replay.warning(journalFile);
        if (warning != null) {
            warnings.accept(warning);
        }
        Stats stats = new Stats(replay.events(), record.stats().lostKernel(), record.stats().droppedUser());
        return record.ended() != null ? pipeline.finish(record.ended(), stats) : pipeline.snapshot(stats);
    }

    private void onEvent(Event event) {
        graph.apply(event);
        if (journal != null && journaling) {
            journal.append(event);
        }
        Monitor evaluating = monitor;
        if (evaluating != null) {
            for (Alert alert : evaluating.onEvent(event, context)) {
                if (graph.addAlert(alert) && !"info".equals(alert.severity())) {
                    LOG.warn("alert {} {}: {}", alert.severity(), alert.ruleId(), alert.description());
                }
            }
        }
        for (var listener : listeners) {
            listener.accept(event);
        }
    }

    /**
     * The graph now, with {@code stats}, through the snapshot hooks; then the behaviour rules on the behaviours
     * new in its summary (when a hook gave it one), whose alerts join the graph and this document.
     */
    public GraphDocument snapshot(Stats stats) {
        graph.setStats(stats);
        return withBehaviourAlerts(hooked(graph.snapshot(), snapshotHooks));
    }

    /**
     * Behaviour rules ({@code behaviour: package.install}) are evaluated on the summary, which a snapshot hook
     * recomputes at each snapshot: each behaviour once, when it first appears.
     */
    private GraphDocument withBehaviourAlerts(GraphDocument document) {
        // rare (a behaviour rule fired): the graph, now with those alerts, once more (the summary is cached)
        return behaviourAlerts(document) ? hooked(graph.snapshot(), snapshotHooks) : document;
    }

    /** Adds the alerts of the behaviour rules on the document's summary to the graph; true when there were any. */
    private boolean behaviourAlerts(GraphDocument document) {
        Monitor evaluating = monitor;
        if (evaluating == null || document.summary() == null) {
            return false;
        }
        boolean added = false;
        for (Alert alert : evaluating.onSummary(document, context)) {
            if (graph.addAlert(alert)) {
                added = true;
                if (!"info".equals(alert.severity())) {
                    LOG.warn("alert {} {}: {}", alert.severity(), alert.ruleId(), alert.description());
                }
            }
        }
        return added;
    }

    /**
     * Writes the graph now to {@code file} (atomically) and, beside it, the delta sidecar of what changed since
     * the previous write ({@link GraphDeltaFile}), so a live viewer need not parse the whole file again.
     */
    public GraphDocument writeSnapshot(Path file, Stats stats) {
        graph.setStats(stats);
        ChangeGraph.Snapshots snapshots = graph.snapshotWithDelta();
        GraphDocument document = hooked(snapshots.graph(), snapshotHooks);
        behaviourAlerts(document);   // their alerts are in the graph: in the next write and the delta after it
        GraphJson.write(document, file);
        GraphDeltaFile.write(file, snapshots.changed(), snapshots.baseEvents());
        return document;
    }

    /**
     * Ends the session at {@code ended}: its rule state is dropped (pending mail goes out now) and the final
     * document goes through the snapshot hooks, then the end hooks.
     */
    public GraphDocument finish(Instant ended, Stats stats) {
        graph.setStats(stats);
        graph.endSession(ended);
        GraphDocument last = withBehaviourAlerts(hooked(graph.snapshot(), snapshotHooks));
        Monitor evaluating = monitor;
        if (evaluating != null) {
            evaluating.endSession(id());   // after the last behaviours: their hits go out with the session's
        }
        return hooked(last, endHooks);
    }

    private static GraphDocument hooked(GraphDocument document, List<UnaryOperator<GraphDocument>> hooks) {
        GraphDocument out = document;
        for (UnaryOperator<GraphDocument> hook : hooks) {
            out = Objects.requireNonNull(hook.apply(out), "a snapshot hook returned null");
        }
        return out;
    }
}
