package io.changegraph.controller.cli;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.changegraph.repository.io.TerminalText;

/**
 * The log pattern's {@code %msg}, escaped as one line ({@link TerminalText#line}): an argv, tty or file name in a
 * log message cannot move the cursor of whoever reads the log or forge a second line.
 */
public final class EscapedMessageConverter extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return TerminalText.line(event.getFormattedMessage());
    }
}
