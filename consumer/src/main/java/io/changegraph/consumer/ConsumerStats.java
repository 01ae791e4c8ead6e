package io.changegraph.consumer;

/**
 * The consumer's counters.
 *
 * @param records          ring-buffer records received
 * @param events           events handed to the sink
 * @param droppedUser      records dropped in user space (malformed, or the sink failed on them)
 * @param unknownProcesses processes first seen in a record rather than seeded or forked (their events
 *                         are kept, but their fds and cwd were unknown)
 */
public record ConsumerStats(long records, long events, long droppedUser, long unknownProcesses) {
    public ConsumerStats {
        if (records < 0 || events < 0 || droppedUser < 0 || unknownProcesses < 0) {
            throw new IllegalArgumentException("negative consumer stats");
        }
    }

    public ConsumerStats(long records, long events, long droppedUser) {
        this(records, events, droppedUser, 0);
    }
}
