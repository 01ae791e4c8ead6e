package io.changegraph.control;

import java.time.Instant;

/**
 * One push, promote or rollback of {@code fleet rules|config history}: the etcd revision that made it.
 *
 * @param revision the etcd revision (what {@code fleet rules rollback} takes)
 */
public record HistoryEntry(long revision, Instant time, String who, String action, Target target, String digest) {
    public HistoryEntry {
        if (revision < 1) {
            throw new IllegalArgumentException("revision " + revision);
        }
    }

    static HistoryEntry of(Release r) {
        return new HistoryEntry(r.revision(), r.time(), r.who(), r.action(), r.target(), r.digest());
    }
}
