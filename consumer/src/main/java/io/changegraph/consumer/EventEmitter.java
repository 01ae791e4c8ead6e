package io.changegraph.consumer;

import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.ObjectRef;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import java.time.Instant;

/** Hands events to the sink, counting them, and turns kernel timestamps into wall-clock time. */
final class EventEmitter {
    private final EventSink sink;
    private final long epochOffsetNs;
    private final Counters counters;

    /**
     * @param epochOffsetNs wall-clock epoch ns minus CLOCK_MONOTONIC ns, taken once
     */
    EventEmitter(EventSink sink, long epochOffsetNs, Counters counters) {
        this.sink = sink;
        this.epochOffsetNs = epochOffsetNs;
        this.counters = counters;
    }

    /** A CLOCK_MONOTONIC (or, approximately, boot-clock) timestamp as wall-clock time. */
    Instant time(long monotonicNs) {
        return Instant.ofEpochSecond(0, epochOffsetNs + monotonicNs);
    }

    void emit(Event event) {
        try {
            sink.accept(event);
        } catch (RuntimeException e) {
            throw new DroppedRecordException("event sink failed", "the event sink failed on event "
                    + event.verb().wireName() + ": " + e);
        }
        counters.events.incrementAndGet();
    }

    /** One call: count 1, failed 0 or 1. */
    void once(Instant time, ProcessNode subject, Verb verb, ObjectRef object, boolean failed, String detail) {
        emit(Event.once(time, subject, verb, object, failed, detail));
    }
}
