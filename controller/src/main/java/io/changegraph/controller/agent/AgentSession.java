package io.changegraph.controller.agent;

import io.changegraph.controller.os.Host;
import io.changegraph.controller.record.SessionPipeline;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.store.Journal;
import io.changegraph.repository.store.SessionRecord;

import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * One live session inside the agent: its {@link SessionPipeline} (consumer with the fd and cwd tables of its
 * processes, graph, journal, alerts), and the tgids that belong to it. Every method runs under the session's lock: the poll thread
 * hands records in, the registration thread seeds processes, the flush thread writes the journal.
 */
public final class AgentSession {
    private final SessionPipeline pipeline;
    private final Journal journal;
    private final Set<Integer> members = new HashSet<>();
    private final long replayedEvents;
    private final long lostKernelAtStart;
    private SessionRecord record;
    private boolean dirty = true;
    private Instant finishedAt;
    private int goneCount;

    /**
     * @param pipeline       the session's pipeline, journaling into {@code journal}
     * @param replayedEvents events replayed from the journal into the pipeline (a resumed session), else 0
     */
    public AgentSession(SessionRecord record, SessionPipeline pipeline, Journal journal, long replayedEvents,
                 long lostKernelAtStart) {
        this.record = record;
        this.pipeline = pipeline.onEvent(event -> dirty = true);
        this.journal = journal;
        this.replayedEvents = replayedEvents;
        this.lostKernelAtStart = lostKernelAtStart;
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

    public SessionPipeline pipeline() {
        return pipeline;
    }

    /** Decodes one record of this session's processes (on the poll thread). */
    public synchronized void accept(MemorySegment recordBytes) {
        pipeline.accept(recordBytes);
    }

    /** The graph now, with the session's stats. */
    GraphDocument snapshot(long lostKernelNow) {
        return pipeline.snapshot(stats(lostKernelNow));
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
    public synchronized void flushJournal() throws java.io.IOException {
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
        var c = pipeline.consumer().stats();
        return new Stats(replayedEvents + c.events(), Math.max(0, lostKernelNow - lostKernelAtStart),
                c.droppedUser() + journal.droppedEvents());
    }
}
