package io.changegraph.consumer;

import io.changegraph.repository.model.Event;

/** Receives the decoded events, on the ring-buffer poll thread, in record order. */
@FunctionalInterface
public interface EventSink {
    void accept(Event event);
}
