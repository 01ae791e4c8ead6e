package io.changegraph.controller.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RepeatedLogFilterTest {
    private final AtomicLong now = new AtomicLong();
    private final LoggerContext context = new LoggerContext();
    private final ListAppender<ILoggingEvent> written = new ListAppender<>();
    private final Logger log = context.getLogger("agent");

    RepeatedLogFilterTest() {
        RepeatedLogFilter filter = new RepeatedLogFilter(3, 60_000_000_000L, now::get);
        filter.start();
        context.addTurboFilter(filter);
        written.setContext(context);
        written.start();
        log.addAppender(written);
        log.setLevel(Level.INFO);
    }

    @Test
    void aFlood_writesAFewLinesAMinute_thenHowManyWereSuppressed() {
        for (int i = 0; i < 1000; i++) {
            log.warn("too many connections at once ({}): one refused", 64);
        }
        assertThat(written.list).hasSize(3);
        now.addAndGet(61_000_000_000L);
        log.warn("too many connections at once ({}): one refused", 64);
        assertThat(written.list).hasSize(5);
        assertThat(written.list.get(3).getFormattedMessage())
                .isEqualTo("997 more lines like \"too many connections at once ({}): one refused\" were suppressed in the last 60 s");
        assertThat(written.list.get(4).getFormattedMessage()).startsWith("too many connections");
    }

    @Test
    void differentMessages_andDisabledLevels_areCountedApart() {
        for (int i = 0; i < 10; i++) {
            log.warn("a {}", i);
            log.warn("b {}", i);
            log.debug("c {}", i);   // below the level: neither written nor counted
        }
        assertThat(written.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("a 0", "b 0", "a 1", "b 1", "a 2", "b 2");
    }

    @Test
    void escapedMessageConverter_writesControlCharactersEscaped() {
        ILoggingEvent event = new ch.qos.logback.classic.spi.LoggingEvent("x", log, Level.WARN,
                "session {} command {}", null, new Object[]{"s1", "[bash, -c, true \u001b[2J\nforged line]"});
        assertThat(new EscapedMessageConverter().convert(event))
                .isEqualTo("session s1 command [bash, -c, true \\u001B[2J\\u000Aforged line]");
    }
}
