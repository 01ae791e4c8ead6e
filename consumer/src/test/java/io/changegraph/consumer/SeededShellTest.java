package io.changegraph.consumer;

import io.changegraph.repository.model.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;

/** Tests that start with a consumer following a seeded shell (see {@link Records#seedShell}). */
abstract class SeededShellTest {
    static final int SHELL = 100;

    final List<Event> events = new ArrayList<>();
    Consumer consumer;

    @BeforeEach
    void seedShell() {
        consumer = Records.consumer(events);
        Records.seedShell(consumer, SHELL);
    }
}
