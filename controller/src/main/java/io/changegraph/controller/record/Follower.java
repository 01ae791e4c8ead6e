package io.changegraph.controller.record;

import io.changegraph.consumer.Consumer;
import io.changegraph.consumer.ProcSnapshot;
import io.changegraph.controller.os.ProcessTree;
import io.changegraph.probes.TraceProbe;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Starts following a session: its root, then (when asked) its existing descendants, parents first, each
 * put in the probe's target map and then seeded into the session's pipeline from /proc. The one routine
 * for {@code record} and the agent. From then on the kernel adds every new child itself (at fork, before
 * the child runs), so descendants are scanned twice: a process forked by a not-yet-followed descendant
 * during the first scan is found by the second.
 */
public final class Follower {
    /** Which session a process belongs to; the agent keeps one process in one session. */
    public interface Membership {
        /** Takes {@code pid} into the session; false when it belongs to another one (it is skipped). */
        boolean claim(int pid);

        /** Gives {@code pid} back: it exited before it could be seeded. */
        void release(int pid);
    }

    /** Every process belongs to the one session ({@code record}). */
    static final Membership ONLY_SESSION = new Membership() {
        @Override
        public boolean claim(int pid) {
            return true;
        }

        @Override
        public void release(int pid) {
        }
    };

    private final Path proc;
    private final TraceProbe probe;

    public Follower(Path proc, TraceProbe probe) {
        this.proc = proc;
        this.probe = probe;
    }

    /**
     * Follows {@code rootPid} and, when {@code descendants}, its existing descendants except {@code exclude};
     * returns how many processes were seeded.
     *
     * @param preRead the root as read from /proc before following (the agent: its root waits for the answer, so
     *                it cannot exec meanwhile), or null to read it once it is followed
     * @throws IOException when the root exited before it could be followed
     */
    public int follow(SessionPipeline pipeline, int rootPid, ProcSnapshot preRead, boolean descendants,
               Set<Integer> exclude, Membership membership) throws IOException {
        Set<Integer> seeded = new HashSet<>();
        if (!membership.claim(rootPid)) {
            return 0;
        }
        probe.follow(rootPid);
        try {
            pipeline.seed(preRead != null ? preRead : Consumer.readProc(proc, rootPid));
        } catch (IOException e) {
            probe.unfollow(rootPid);
            membership.release(rootPid);
            throw new IOException("process " + rootPid + " exited before it could be followed", e);
        }
        seeded.add(rootPid);
        for (int pass = 0; descendants && pass < 2; pass++) {
            List<Integer> pids = ProcessTree.descendants(ProcessTree.parents(proc), rootPid, exclude);
            for (int pid : pids) {
                if (seeded.contains(pid) || !membership.claim(pid)) {
                    continue;
                }
                probe.follow(pid);
                try {
                    pipeline.seed(Consumer.readProc(proc, pid));
                    seeded.add(pid);
                } catch (IOException e) {
                    probe.unfollow(pid);   // exited meanwhile
                    membership.release(pid);
                }
            }
        }
        return seeded.size();
    }
}
