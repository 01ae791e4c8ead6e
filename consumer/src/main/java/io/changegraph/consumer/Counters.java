package io.changegraph.consumer;

import java.util.concurrent.atomic.AtomicLong;

/** The consumer's loss accounting; written by the poll thread, readable from any thread. */
final class Counters {
    final AtomicLong records = new AtomicLong();
    final AtomicLong events = new AtomicLong();
    final AtomicLong droppedUser = new AtomicLong();
    final AtomicLong unknownProcesses = new AtomicLong();

    ConsumerStats snapshot() {
        return new ConsumerStats(records.get(), events.get(), droppedUser.get(), unknownProcesses.get());
    }
}
