package io.changegraph.controller.agent;

import io.changegraph.consumer.Consumer;
import io.changegraph.consumer.ProcSnapshot;
import io.changegraph.consumer.RecordPeek;
import io.changegraph.controller.UsageException;
import io.changegraph.controller.ops.MetricsEndpoint;
import io.changegraph.controller.ops.RecorderMeters;
import io.changegraph.controller.ops.SelfProtection;
import io.changegraph.controller.config.AgentConfig;
import io.changegraph.controller.config.AgentLimits;
import io.changegraph.controller.netwatch.NetwatchCamera;
import io.changegraph.controller.netwatch.NetwatchOutput;
import io.changegraph.controller.netwatch.NetwatchTable;
import io.changegraph.controller.os.Host;
import io.changegraph.controller.os.LibC;
import io.changegraph.controller.os.ProcessTree;
import io.changegraph.controller.os.Tracing;
import io.changegraph.controller.record.Follower;
import io.changegraph.controller.record.SessionPipeline;
import io.changegraph.forward.HubForwarder;
import io.changegraph.forward.HubSettings;
import io.changegraph.monitor.Monitor;
import io.changegraph.monitor.RuleSet;
import io.changegraph.monitor.RulesException;
import io.changegraph.monitor.SessionFacts;
import io.changegraph.probes.NetwatchProbe;
import io.changegraph.probes.ProbeTunables;
import io.changegraph.repository.formats.GraphDeltaFile;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Stats;
import io.changegraph.probes.TraceProbe;
import io.changegraph.repository.store.Journal;
import io.changegraph.repository.store.SessionRecord;
import io.changegraph.repository.store.SessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The privileged agent: one loaded probe and one poll thread ({@link Tracing}) serving any number of
 * sessions. Records are demultiplexed by the header's tgid: a map tgid → session, a child added to its
 * parent's session on fork (before the fork record is decoded), a process removed on exit (after). Each
 * session has its own consumer, graph and journal ({@link AgentSession}); the journals are flushed every
 * {@code flush_interval} (at most a second) by one flush thread, which also rewrites the graph files,
 * ends sessions whose last process exited and prunes old sessions daily.
 *
 * <p>Lifecycle: {@link #start} (store, retention, probes, recovery of sessions a previous agent left
 * live, flush thread) → {@link #register} as sessions arrive → {@link #close} (final flush; live sessions
 * stay {@code live} in the store, so the next start resumes them or marks them interrupted).
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    private static final Path PROC = Path.of("/proc");

    private final AgentConfig config;
    private final SessionStore store;
    /** the rules new sessions get; replaced by {@link #reloadRules} (live sessions keep theirs) */
    private volatile RuleSet rules;
    /** live rule evaluation for the alert log, mail and webhook; null without rules */
    private volatile Monitor monitor;
    /** monitors of rules replaced while sessions still used them: closed with the agent */
    private final List<Monitor> retired = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** records of followed processes seen (the fleet registry's events per second) */
    private final AtomicLong sessionRecords = new AtomicLong();
    private final Map<Integer, AgentSession> byTgid = new ConcurrentHashMap<>();
    private final Map<String, AgentSession> live = new ConcurrentHashMap<>();
    private final AtomicLong unknownRecords = new AtomicLong();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final String host = Host.name();
    private final int self = (int) ProcessHandle.current().pid();
    private Tracing tracing;
    /** self-protection of the one probe all sessions share; each session's graph gets the steps of its time */
    private SelfProtection protection;
    private MetricsEndpoint metrics;
    private final java.util.concurrent.atomic.LongAdder events = new java.util.concurrent.atomic.LongAdder();
    private ScheduledExecutorService flusher;
    private Thread netwatch;
    private HubForwarder forwarder;
    private volatile boolean netwatching;
    private Instant nextPrune = Instant.EPOCH;

    public Agent(AgentConfig config) {
        this.config = config;
        this.store = new SessionStore(config.store());
        this.rules = config.rules() == null ? null : loadRules(config.rules());
    }

    private static RuleSet loadRules(Path file) {
        try {
            return RuleSet.load(file);
        } catch (RulesException e) {
            throw new UsageException("rules " + file + ": " + e.problems().getFirst() + " (check it with 'changegraph"
                    + " rules check " + file + "')");
        }
    }

    /** A new pipeline for a session of this agent: the shared live monitor, the session's journal. */
    private SessionPipeline pipeline(SessionRecord record, Journal journal) {
        RuleSet sessionRules;
        Monitor sessionMonitor;
        synchronized (this) {   // a pair from the same reload
            sessionRules = rules;
            sessionMonitor = monitor;
        }
        return new SessionPipeline(record.session(), sessionRules, sessionMonitor, journal,
                Consumer.epochOffsetNs(Clock.systemUTC()))
                .describedAs(new SessionFacts(record.id(), record.host(), record.user(), record.uid(),
                        SessionFacts.sshClient(record.client()), record.tty(), record.command(), record.started(),
                        "changegraph show " + record.id()))
                .onEvent(event -> events.increment());
    }

    /** A stored session's graph, rebuilt from its journal with its alerts: {@link SessionPipeline#rebuild}. */
    private GraphDocument rebuild(SessionRecord r) throws IOException {
        return SessionPipeline.rebuild(r, store.journal(r.id()), rules,
                w -> LOG.warn("session {}: {}", r.id(), w));
    }

    SessionStore store() {
        return store;
    }

    public void start(ProbeTunables tunables) throws IOException {
        store.create();
        if (config.hub() != null) {   // first: a certificate that cannot be used stops the agent before the probes load
            forwarder = startForwarder(config.hub());
        }
        pruneIfDue();
        if (rules != null) {
            monitor = Monitor.start(rules, rules.config());
        }
        config.cpu().choose(Tracing.allowedCpus(), true);   // a CPU the agent may not use: say so before tracing
        tracing = Tracing.start(config.tunables(tunables), this::onRecord, true);   // left on: it gives way to the sessions' work
        try {
            tracing.placeRecorder(config.cpu());   // the agent starts no process that must keep every CPU
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        protection = tracing.closesFirst(SelfProtection.start(config.ops().protection(), tracing.probe()::setDegradeLevel,
                LOG::warn));
        if (config.ops().metrics().enabled()) {
            TraceProbe probe = tracing.probe();
            metrics = MetricsEndpoint.start(config.ops().metrics().listen(), new RecorderMeters.Sources(events::sum,
                    tracing::records, this::lostKernel, () -> probe.handlerFailures() + unknownRecords.get(),
                    probe::degradedSkips, probe::ringBacklog, config.tunables(tunables).ringBufferBytes(),
                    () -> live.size(), () -> monitor == null ? 0 : monitor.pendingMessages(),
                    () -> monitor == null ? 0 : monitor.droppedHits(), protection));
        }
        recover();
        warmUp();
        long every = config.flushInterval().toMillis();
        flusher = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("changegraph-flush")
                .daemon(true).unstarted(r));
        flusher.scheduleWithFixedDelay(this::flushSafely, every, every, TimeUnit.MILLISECONDS);
        if (config.netwatch() != null) {
            startNetwatch(config.netwatch());
        }
    }

    /** Store-and-forward to the fleet's hub (docs/fleet.md), on a thread of its own at nice 15. */
    private HubForwarder startForwarder(HubSettings hub) {
        try {
            return HubForwarder.start(hub, store, host, () -> {
                try {
                    LibC.setThreadNice(LibC.gettid(), 15);
                } catch (LibC.NativeException e) {
                    LOG.debug("forwarder priority: {}", e.getMessage());
                }
            });
        } catch (IllegalArgumentException e) {
            throw new UsageException((config.source() == null ? "" : config.source() + ": ") + e.getMessage());
        }
    }

    /** Loads the classes of the registration path, so the first login does not wait for them. */
    private void warmUp() {
        try {
            Consumer.readProc(PROC, self);
            ProcessTree.descendants(ProcessTree.parents(PROC), self, Set.of());
            AgentProtocol.JSON.readTree("{\"op\":\"register\",\"pid\":1,\"command\":[\"-bash\"]}");
        } catch (IOException e) {
            LOG.debug("warm-up: {}", e.getMessage());
        }
    }

    /** On the poll thread: hands the record to the session its process belongs to. */
    private void onRecord(MemorySegment record) {
        RecordPeek peek = Consumer.peek(record);
        if (peek == null) {
            unknownRecords.incrementAndGet();
            return;
        }
        int tgid = peek.tgid();
        AgentSession session = byTgid.get(tgid);
        if (session == null) {
            if (unknownRecords.incrementAndGet() % 1000 == 1) {
                LOG.debug("record of kind {} from tgid {} that belongs to no session ({} so far)", peek.kind(), tgid,
                        unknownRecords.get());
            }
            return;
        }
        sessionRecords.incrementAndGet();
        if (peek.kind() == RecordPeek.Kind.FORK) {
            session.addMember(peek.forkedChild());
            byTgid.put(peek.forkedChild(), session);
        }
        session.accept(record);
        if (peek.kind() == RecordPeek.Kind.EXIT) {
            byTgid.remove(tgid, session);
            if (session.removeMember(tgid)) {
                LOG.debug("session {}: its last process {} exited", session.id(), tgid);
                session.finish(Instant.now());
            }
        }
    }

    /** What a registration asks for; validated by {@link AgentProtocol} before it gets here. */
    /**
     * @param scanDescendants also follow the process' existing children (registering a parent shell); the
     *                        wrapper registering itself has none, and skipping the /proc scan keeps
     *                        registration fast
     */
    record Registration(int pid, int uid, String user, String tty, String client, List<String> command,
                        boolean scanDescendants) {
    }

    /**
     * Starts following {@code pid} (and its existing descendants) as a new session; when it is already
     * followed, returns the session it is in (a nested {@code changegraph session} changes nothing).
     */
    String register(Registration r) throws IOException {
        AgentSession existing = byTgid.get(r.pid());
        if (existing != null) {
            return existing.id();
        }
        long start = System.nanoTime();
        ProcSnapshot root = Consumer.readProc(PROC, r.pid());
        Instant now = Instant.now();
        String id = store.newId(host, r.pid(), now);
        SessionRecord record = new SessionRecord(id, host, r.user(), r.uid(), r.pid(), root.startNs(), r.client(),
                r.tty(), r.command(), now, null, SessionRecord.State.LIVE, Stats.EMPTY, 0);
        store.write(record);
        Journal journal = Journal.open(store.journal(id));
        AgentSession session = new AgentSession(record, pipeline(record, journal), journal, 0, lostKernel());
        follow(session, root, r.scanDescendants());
        live.put(id, session);
        LOG.info("session {} started in {} ms: user {} (uid {}) pid {} from '{}' tty '{}' command {}", id,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), r.user(), r.uid(), r.pid(), r.client(), r.tty(),
                r.command());
        return id;
    }

    /**
     * Follows the root (seeded from {@code root}, read before following) and, when asked, its existing
     * descendants ({@link Follower}); a process already in another session stays there.
     */
    private void follow(AgentSession session, ProcSnapshot root, boolean descendants) throws IOException {
        Follower.Membership membership = new Follower.Membership() {
            @Override
            public boolean claim(int pid) {
                AgentSession owner = byTgid.get(pid);
                if (owner != null && owner != session) {
                    return false;
                }
                session.addMember(pid);
                byTgid.put(pid, session);
                return true;
            }

            @Override
            public void release(int pid) {
                byTgid.remove(pid, session);
                session.removeMember(pid);
            }
        };
        synchronized (session) {
            new Follower(PROC, tracing.probe()).follow(session.pipeline(), root.pid(), root, descendants, Set.of(self),
                    membership);
        }
    }

    /** Sessions a previous agent left live: still running → followed again; gone → interrupted. */
    private void recover() {
        for (SessionRecord r : store.list(LOG::warn)) {
            if (r.state() != SessionRecord.State.LIVE) {
                continue;
            }
            try {
                if (sameProcess(r.rootPid(), r.rootStartNs())) {
                    resume(r);
                } else {
                    interrupt(r);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("session {} could not be recovered: {}", r.id(), e.getMessage());
            }
        }
    }

    private void resume(SessionRecord r) throws IOException {
        Journal journal = Journal.open(store.journal(r.id()));   // cuts a torn last line before appending
        if (journal.repairedBytes() > 0) {
            LOG.warn("session {}: cut a torn last journal line of {} bytes (written as the agent stopped)", r.id(),
                    journal.repairedBytes());
        }
        SessionRecord resumed = r.resumedOnce();
        SessionPipeline pipeline = pipeline(resumed, journal);
        Journal.ReplayResult replay = pipeline.replay(store.journal(r.id()));
        warn(replay, r.id());
        AgentSession session = new AgentSession(resumed, pipeline, journal, replay.events(), lostKernel());
        store.write(resumed);
        follow(session, Consumer.readProc(PROC, r.rootPid()), true);
        live.put(r.id(), session);
        LOG.info("session {} resumed after an agent restart: {} events replayed, pid {} followed again"
                + " (what happened while the agent was down is not recorded)", r.id(), replay.events(), r.rootPid());
    }

    private void interrupt(SessionRecord r) throws IOException {
        Path journal = store.journal(r.id());
        Instant lastFlush = Files.exists(journal) ? Files.getLastModifiedTime(journal).toInstant() : r.started();
        GraphDocument graph = rebuild(r.with(r.state(), lastFlush, r.stats()));
        SessionRecord done = r.with(SessionRecord.State.INTERRUPTED, lastFlush,
                new Stats(graph.stats().events(), r.stats().lostKernel(), r.stats().droppedUser()));
        store.write(done);
        GraphJson.write(graph, store.graph(r.id()));
        LOG.info("session {} was interrupted (the agent stopped while it ran; its root pid {} is gone): {} events"
                + " kept up to the last flush", r.id(), r.rootPid(), graph.stats().events());
    }

    private static void warn(Journal.ReplayResult replay, String id) {
        String warning = replay.warning(Path.of(id));
        if (warning != null) {
            LOG.warn("session {}: {}", id, warning);
        }
    }

    private static boolean sameProcess(int pid, long startNs) {
        try {
            return Consumer.readProc(PROC, pid).startNs() == startNs;
        } catch (IOException e) {
            return false;
        }
    }

    private long lostKernel() {
        try {
            return tracing.probe().counters().total();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private void flushSafely() {
        try {
            flush();
            pruneIfDue();
        } catch (RuntimeException e) {
            LOG.error("flush failed: {}", e.toString());
        }
    }

    /** Flushes every live session's journal, record and graph; ends the sessions that are over. */
    void flush() {
        long lost = lostKernel();
        for (AgentSession session : live.values()) {
            // exit records lost: /proc has none of its processes, twice in a row (a process that execs
            // from a thread other than its leader briefly disappears from /proc)
            if (session.finishedAt() == null && session.goneFromProc(noMemberAlive(session)) >= 2) {
                LOG.info("session {}: none of its processes {} is in /proc any more (exit records lost?)",
                        session.id(), session.members());
                session.finish(Instant.now());
            }
            Instant finished = session.finishedAt();
            String id = session.id();
            try {
                session.flushJournal();
                if (failing.remove(id)) {
                    LOG.info("session {}: journal writes work again, nothing was lost", id);
                }
            } catch (IOException e) {
                if (failing.add(id)) {
                    LOG.error("session {}: cannot write its journal ({}); keeping events in memory and retrying every"
                            + " flush", id, e.getMessage());
                }
                continue;
            }
            SessionRecord record = session.record();
            Stats stats = session.stats(lost).withDegradations(protection == null ? List.of()
                    : protection.steps(record.started(), finished));
            SessionRecord now = finished != null ? record.with(SessionRecord.State.ENDED, finished, stats)
                    : record.with(record.state(), null, stats);
            try {
                // the graph file first: once the record says ended, the final graph is there
                if (finished != null) {
                    GraphJson.write(session.pipeline().finish(finished, stats), store.graph(id));
                    GraphDeltaFile.delete(store.graph(id));
                } else if (session.takeDirty()) {
                    session.pipeline().writeSnapshot(store.graph(id), stats);   // with its delta sidecar
                }
                if (!now.equals(record) || finished != null) {
                    store.write(now);
                    session.update(now);
                }
                if (finished != null) {
                    session.closeJournal();
                    live.remove(id);
                    session.members().forEach(pid -> byTgid.remove(pid, session));
                    LOG.info("session {} ended: {} events, {} lost in kernel (host-wide), {} dropped", id,
                            stats.events(), stats.lostKernel(), stats.droppedUser());
                }
            } catch (IOException | RuntimeException e) {
                if (failing.add(id)) {
                    LOG.error("session {}: cannot write its record or graph ({}); retrying every flush", id,
                            e.getMessage());
                }
            }
        }
    }

    private static boolean noMemberAlive(AgentSession session) {
        return session.members().stream().noneMatch(pid -> Files.isDirectory(PROC.resolve(Integer.toString(pid))));
    }

    private void pruneIfDue() {
        Instant now = Instant.now();
        if (now.isBefore(nextPrune)) {
            return;
        }
        nextPrune = now.plus(Duration.ofDays(1));
        List<String> pruned = store.prune(now.minus(Duration.ofDays(config.retentionDays())), LOG::warn);
        if (!pruned.isEmpty()) {
            LOG.info("pruned {} session(s) older than {} days", pruned.size(), config.retentionDays());
        }
    }

    /** The record of a session, live or stored. */
    Optional<SessionRecord> session(String id) {
        AgentSession s = live.get(id);
        return s != null ? Optional.of(s.record()) : store.read(id);
    }

    List<SessionRecord> sessions() {
        List<SessionRecord> all = store.list(LOG::warn);
        return all.stream().map(r -> live.containsKey(r.id()) ? live.get(r.id()).record() : r).toList();
    }

    /** A live session's current graph, or a stored one rebuilt from its journal. */
    GraphDocument graph(SessionRecord r) throws IOException {
        AgentSession s = live.get(r.id());
        if (s != null) {
            return s.snapshot(lostKernel());
        }
        return rebuild(r);
    }

    /**
     * New rules for the sessions that start from now on (the fleet's hot reload, {@link AgentControl}); live sessions
     * keep the rules and monitor they started with, so nothing they recorded is evaluated twice or lost.
     */
    synchronized void reloadRules(RuleSet next) throws IOException {
        Monitor old = monitor;
        if (tracing != null) {   // started: alerts of new sessions go through a monitor of the new rules
            monitor = Monitor.start(next, next.config());
            if (old != null) {
                retired.add(old);
            }
        }
        rules = next;
    }

    /** The rules new sessions get, null without rules. */
    RuleSet rules() {
        return rules;
    }

    /** Records of followed processes since the start. */
    long records() {
        return sessionRecords.get();
    }

    /** Records lost in the kernel (host-wide) since the probes were loaded. */
    long losses() {
        return tracing == null ? 0 : lostKernel();
    }

    /** The self-protection's state for the fleet registry: "none", or "level N" while the recorder records less. */
    public String degradation() {
        SelfProtection p = protection;
        return p == null || p.level() == 0 ? "none" : "level " + p.level();
    }

    public int liveSessions() {
        return live.size();
    }

    /**
     * The host-wide TCP anomaly camera ({@code netwatch: true}): its own probes, JSON lines appended to
     * {@link AgentConfig#netwatchLog()} per interval, on one thread until {@link #close()}. A failure to start
     * it is one log line; the sessions go on. DNS answers are payload: {@code payload_bytes: 0} leaves them out.
     */
    private void startNetwatch(java.time.Duration every) {
        java.nio.file.Path log = config.netwatchLog();
        boolean dns = config.payloadBytes() > 0;
        NetwatchProbe probe;
        try {
            probe = NetwatchCamera.open(dns);
        } catch (UsageException e) {
            LOG.warn("netwatch not started: {}", e.getMessage());
            return;
        }
        java.io.Writer out;
        try {
            out = java.nio.file.Files.newBufferedWriter(log, java.nio.charset.StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            probe.close();
            LOG.warn("netwatch not started: cannot write {}: {}", log, e.getMessage());
            return;
        }
        netwatching = true;
        netwatch = Thread.ofPlatform().name("changegraph-netwatch").daemon(true).start(() -> {
            try (probe; out) {
                NetwatchCamera.watch(probe, every, 0, new NetwatchTable(4096), NetwatchCamera.DEFAULT_MAX_NAMES,
                        () -> netwatching,
                        (end, interval, lost) -> {
                            try {
                                out.write(NetwatchOutput.jsonLines(end, every, interval, lost));
                                out.flush();
                            } catch (IOException e) {
                                LOG.warn("netwatch: cannot write {}: {}", log, e.getMessage());
                            }
                        });
            } catch (IOException | RuntimeException e) {
                LOG.warn("netwatch stopped: {}", e.toString());
            }
        });
        LOG.info("netwatch: TCP anomalies of every process every {} s in {}{}", every.toSeconds(), log,
                dns ? "" : " (no DNS names: payload_bytes is 0)");
    }

    /** Live sessions of one uid (the per-user limit of {@link AgentLimits}). */
    long liveSessionsOf(int uid) {
        return live.values().stream().filter(s -> s.record().uid() == uid).count();
    }

    /** Final flush; live sessions stay live in the store (the next agent resumes them or marks them interrupted). */
    @Override
    public void close() {
        if (forwarder != null) {
            forwarder.close();   // what is not at the hub yet goes after the next start
        }
        netwatching = false;
        if (metrics != null) {
            metrics.close();
        }
        if (netwatch != null) {
            try {
                netwatch.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (flusher != null) {
            flusher.shutdownNow();
            try {
                flusher.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (tracing != null) {
            try {
                tracing.stopAndDrain();
            } catch (InterruptedException | RuntimeException e) {
                LOG.warn("draining the ring buffer: {}", e.toString());
            }
            flush();
            tracing.close();
        }
        if (monitor != null) {
            monitor.close();   // unsent alerts stay in the outbox for the next start
        }
        retired.forEach(Monitor::close);
    }
}
