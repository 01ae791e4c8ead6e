package io.changegraph.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.changegraph.repository.model.Event;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumerClockTest {
    @Test
    void create_mapsKernelMonotonicTimestampsOntoTheGivenWallClock() {
        Instant wall = Instant.parse("2030-01-01T00:00:00Z");
        List<Event> events = new ArrayList<>();
        Consumer consumer = Consumer.create(events::add, Clock.fixed(wall, ZoneOffset.UTC));
        consumer.seedProcess(new ProcSnapshot(100, 1, 0, "/bin/sh", List.of("sh"), "/", 0, 0, Map.of()));

        // an event stamped (CLOCK_MONOTONIC) one minute after the consumer was created
        MemorySegment exit = Records.exit(100, 0);
        exit.set(ValueLayout.JAVA_LONG_UNALIGNED, WireLayouts.HEADER_TS_NS_AT, System.nanoTime() + Duration.ofMinutes(1).toNanos());
        consumer.accept(exit);

        assertThat(events.getLast().time()).isCloseTo(wall.plus(Duration.ofMinutes(1)), within(2, ChronoUnit.SECONDS));
    }
}
