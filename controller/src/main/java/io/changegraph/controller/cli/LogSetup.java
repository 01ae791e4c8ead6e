package io.changegraph.controller.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

import java.util.Locale;

/**
 * Logging set up in code (no XML parsing at start-up, which sits between the user and attached probes):
 * stderr, level from CHANGEGRAPH_LOG (error|warn|info|debug|trace, default warn). Messages are escaped
 * ({@link EscapedMessageConverter}) and repeated lines rate-limited ({@link RepeatedLogFilter}).
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.getInstanceConverterMap().put("safeMsg", EscapedMessageConverter.class.getName());
        layout.setPattern("changegraph %-5level [%relative ms] %logger{0}: %safeMsg%n");
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getenv().getOrDefault("CHANGEGRAPH_LOG", "warn").toUpperCase(Locale.ROOT),
                Level.WARN));
        root.addAppender(stderr);
        RepeatedLogFilter repeats = new RepeatedLogFilter();
        repeats.setContext(context);
        repeats.start();
        context.addTurboFilter(repeats);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
