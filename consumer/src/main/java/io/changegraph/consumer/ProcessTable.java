package io.changegraph.consumer;

import io.changegraph.repository.model.ProcessNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live followed processes by tgid. A record from a tgid the table has not seen (not seeded, its
 * fork not seen) creates a minimal process instead of being dropped, and is counted.
 */
final class ProcessTable {
    private final Map<Integer, TrackedProcess> byTgid = new ConcurrentHashMap<>();
    private final Counters counters;
    private final ProblemLog problems;

    ProcessTable(Counters counters, ProblemLog problems) {
        this.counters = counters;
        this.problems = problems;
    }

    Optional<TrackedProcess> find(int tgid) {
        return Optional.ofNullable(byTgid.get(tgid));
    }

    /** The process {@code tgid}, created (and counted as unknown) when the table has not seen it. */
    TrackedProcess get(int tgid, long startNsHint) {
        TrackedProcess known = byTgid.get(tgid);
        if (known != null) {
            return known;
        }
        counters.unknownProcesses.incrementAndGet();
        problems.report("unknown process", "record from process " + tgid
                + " that was neither seeded nor seen forking: tracked from here, without its fds and cwd");
        ProcessNode node = new ProcessNode(tgid, startNsHint, 0, "", List.of(), "", -1, -1, null, null, true,
                null, null);
        return add(node, new FdTable(), ResolvedPath.unresolved("cwd"));
    }

    TrackedProcess add(ProcessNode node, FdTable fds, ResolvedPath cwd) {
        TrackedProcess process = new TrackedProcess(node, fds, cwd);
        byTgid.put(node.pid(), process);
        return process;
    }

    void remove(int tgid) {
        byTgid.remove(tgid);
    }

    /** Attributes a forked child gets from its parent. */
    TrackedProcess fork(TrackedProcess parent, int childTgid, long childStartNs, Instant at) {
        ProcessNode p = parent.node();
        ProcessNode child = new ProcessNode(childTgid, childStartNs, p.pid(), p.exe(), p.argv(), p.cwd(), p.uid(),
                p.euid(), null, null, true, at, null);
        return add(child, parent.fds().copy(), parent.cwd());
    }
}
