package io.changegraph.controller;

import io.changegraph.monitor.Monitor;
import io.changegraph.monitor.SessionContext;
import io.changegraph.monitor.SessionFacts;

import io.changegraph.consumer.Consumer;
import io.changegraph.repository.ChangeGraph;
import io.changegraph.repository.Event;
import io.changegraph.repository.Stats;
import io.changegraph.repository.store.Journal;
import io.changegraph.repository.store.SessionRecord;

import java.lang.foreign.MemorySegment;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * One live session inside the agent: its own consumer (fd and cwd tables of its processes), its graph and
 * its journal, and the tgids that belong to it. Every method runs under the session's lock: the poll thread
 * hands records in, the registration thread seeds processes, the flush thread writes the journal.
 */
final class AgentSession {
    private final Consumer consumer;
    private final Monitor monitor;
    private final SessionContext context;
    private final ChangeGraph graph;
    private final Journal journal;
    private final Set<Integer> members = new HashSet<>();
    private final long replayedEvents;
    private final long lostKernelAtStart;
    private SessionRecord record;
    private boolean dirty = true;
    private Instant finishedAt;
    private int goneCount;

    AgentSession(SessionRecord record, ChangeGraph graph, Journal journal, long replayedEvents, long lostKernelAtStart,
                 Monitor monitor) {
        this.record = record;
        this.monitor = monitor;
        this.context = SessionContext.of(new SessionFacts(record.id(), record.host(), record.user(), record.uid(),
                SessionFacts.sshClient(record.client()), record.tty(), record.command(), record.started(),
                "changegraph show " + record.id()), graph);
        this.graph = graph;
        this.journal = journal;
        this.replayedEvents = replayedEvents;
        this.lostKernelAtStart = lostKernelAtStart;
        this.consumer = Consumer.create(this::onEvent, Clock.systemUTC());
    }

    private void onEvent(Event event) {
        graph.apply(event);
        journal.append(event);
        dirty = true;
        if (monitor != null) {
            // the alert log, mail and webhook, within a second of the syscall; the graph's own annotations
            // come from evaluating the whole graph at each flush, so they replay identically from the journal
            monitor.onEvent(event, context);
        }
    }

    synchronized String id() {
        return record.id();
    }

    synchronized SessionRecord record() {
        return record;
    }

    synchronized void update(SessionRecord newRecord) {
        record = newRecord;
    }

    ChangeGraph graph() {
        return graph;
    }

    synchronized Consumer consumer() {
        return consumer;
    }

    /** Decodes one record of this session's processes (on the poll thread). */
    synchronized void accept(MemorySegment recordBytes) {
        consumer.accept(recordBytes);
    }

    synchronized void addMember(int tgid) {
        members.add(tgid);
    }

    /** Removes a process that exited; true when it was the session's last one. */
    synchronized boolean removeMember(int tgid) {
        return members.remove(tgid) && members.isEmpty();
    }

    synchronized Set<Integer> members() {
        return Set.copyOf(members);
    }

    synchronized void finish(Instant at) {
        if (finishedAt == null) {
            finishedAt = at;
        }
    }

    /** Counts consecutive flushes that found none of the session's processes in /proc. */
    synchronized int goneFromProc(boolean gone) {
        goneCount = gone ? goneCount + 1 : 0;
        return goneCount;
    }

    synchronized Instant finishedAt() {
        return finishedAt;
    }

    /** Writes the journal's buffer to the file; on failure the unwritten part is kept for the next flush. */
    synchronized void flushJournal() throws java.io.IOException {
        journal.flush();
    }

    synchronized void closeJournal() throws java.io.IOException {
        journal.close();
    }

    /** True once if events arrived since the last call (the graph file needs rewriting). */
    synchronized boolean takeDirty() {
        boolean was = dirty;
        dirty = false;
        return was;
    }

    /** Host-wide kernel losses since the session started (the kernel cannot attribute them to a session). */
    synchronized Stats stats(long lostKernelNow) {
        var c = consumer.stats();
        return new Stats(replayedEvents + c.events(), Math.max(0, lostKernelNow - lostKernelAtStart),
                c.droppedUser() + journal.droppedEvents());
    }
}
