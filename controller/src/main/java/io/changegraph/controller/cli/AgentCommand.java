package io.changegraph.controller.cli;

import ch.qos.logback.classic.Level;
import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.UsageException;
import io.changegraph.controller.agent.Agent;
import io.changegraph.controller.agent.AgentControl;
import io.changegraph.controller.agent.AgentProtocol;
import io.changegraph.controller.agent.AgentServer;
import io.changegraph.controller.config.AgentConfig;
import io.changegraph.controller.os.EnvironmentCheck;
import io.changegraph.probes.ProbeTunables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "agent", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The privileged daemon: loads the probes once and records every session that"
                + " 'changegraph session' registers (see docs/ssh.md). Runs until SIGTERM or SIGINT.",
                "Logs to stderr (the systemd journal), at info unless CHANGEGRAPH_LOG says otherwise."},
        footer = {"", "Example: sudo changegraph agent --config /etc/changegraph/config.yaml"})
final class AgentCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(AgentCommand.class);

    @Option(names = "--config", paramLabel = "FILE",
            description = "configuration (default $CHANGEGRAPH_CONFIG, else /etc/changegraph/config.yaml)")
    Path config;

    @Override
    public Integer call() throws Exception {
        if (System.getenv("CHANGEGRAPH_LOG") == null) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
        }
        AgentConfig settings = AgentControl.withCachedConfig(AgentConfig.load(config));
        settings.checkPaths();
        new EnvironmentCheck().requireRecordingPossible();
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : List.of("TERM", "INT", "HUP")) {
            Signal.handle(new Signal(name), s -> stop.countDown());
        }
        try (Agent agent = new Agent(settings)) {
            try {
                agent.start(ProbeTunables.DEFAULTS);
            } catch (java.nio.file.FileSystemException e) {
                throw new UsageException("cannot use the store " + settings.store() + ": " + e.getMessage());
            }
            AgentProtocol protocol = new AgentProtocol(agent, settings.limits());
            try (AgentServer server = startServer(settings, protocol);
                 var fleet = AgentControl.start(settings, agent, protocol, agent::degradation)) {
                LOG.info("agent ready: store {}, {} session(s) resumed, retention {} days, flush every {} ms{}",
                        settings.store(), agent.liveSessions(), settings.retentionDays(),
                        settings.flushInterval().toMillis(), settings.source() == null ? " (default configuration)"
                                : " (" + settings.source() + ")");
                stop.await();
                LOG.info("stopping: live sessions stay live in the store and are resumed by the next start");
            }
        }
        return ExitCodes.OK;
    }

    private static AgentServer startServer(AgentConfig settings, AgentProtocol protocol) {
        try {
            return AgentServer.start(settings.socket(), protocol, settings.limits());
        } catch (java.io.IOException e) {
            throw new UsageException("cannot listen on " + settings.socket() + ": " + e.getMessage());
        }
    }
}
