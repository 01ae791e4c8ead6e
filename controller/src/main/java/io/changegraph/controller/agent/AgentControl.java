package io.changegraph.controller.agent;

import io.changegraph.controller.UsageException;
import io.changegraph.controller.Version;
import io.changegraph.controller.config.AgentConfig;
import io.changegraph.controller.config.FleetConfig;
import io.changegraph.controller.os.Host;
import io.changegraph.control.AgentStatus;
import io.changegraph.control.Channel;
import io.changegraph.control.ControlAgent;
import io.changegraph.control.Release;
import io.changegraph.monitor.RuleSet;
import io.changegraph.monitor.RulesException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The agent's hook into the fleet ({@code control:} in config.yaml, docs/control.md): a {@link ControlAgent} whose
 * releases go to the running agent. Rules: validated again here ({@link RuleSet#parse}, what {@code rules check}
 * runs), then new sessions get them ({@link Agent#reloadRules}); live sessions keep theirs. Config: overlaid on the
 * host's own file ({@link FleetConfig}); the per-user limits apply at once, the rest at the next start. The last
 * good releases are kept in {@code STORE/control/} and used from the start, before etcd answers.
 */
public final class AgentControl implements ControlAgent.Receiver {
    private static final Logger LOG = LoggerFactory.getLogger(AgentControl.class);

    private final AgentConfig local;
    private final Agent agent;
    private final AgentProtocol protocol;
    /** the self-protection state the registry shows ("none" while the recorder runs in full) */
    private final Supplier<String> degradation;

    private AgentControl(AgentConfig local, Agent agent, AgentProtocol protocol, Supplier<String> degradation) {
        this.local = local;
        this.agent = agent;
        this.protocol = protocol;
        this.degradation = java.util.Objects.requireNonNull(degradation);
    }

    /** Where the last good releases are kept. */
    static Path cache(AgentConfig config) {
        return config.store().resolve("control");
    }

    /**
     * The host's configuration with the last good fleet config laid over it (what the agent starts with); the
     * host's own when there is none or it no longer validates.
     */
    public static AgentConfig withCachedConfig(AgentConfig own) {
        Path file = cache(own).resolve(Channel.CONFIG.word() + ".json");
        if (own.control() == null || !Files.isRegularFile(file)) {
            return own;
        }
        try {
            String content = AgentProtocol.JSON.readTree(Files.readString(file, StandardCharsets.UTF_8))
                    .path("content").asText();
            AgentConfig merged = FleetConfig.overlay(own, content);
            LOG.info("control: starting with the last good fleet config from {}", file);
            return merged;
        } catch (IOException | UsageException e) {
            LOG.warn("control: the cached fleet config {} is not used: {}", file, e.getMessage());
            return own;
        }
    }

    /**
     * Starts the agent's fleet client when config.yaml has a {@code control:} section; null otherwise.
     *
     * @param degradation the self-protection's current state for the registry ({@code () -> "none"} without one)
     */
    public static ControlAgent start(AgentConfig config, Agent agent, AgentProtocol protocol,
                                     Supplier<String> degradation) throws IOException {
        if (config.control() == null) {
            return null;
        }
        AgentControl receiver = new AgentControl(config, agent, protocol, degradation);
        return new ControlAgent(config.control(), config.control().registryName(Host.name()), cache(config),
                receiver).start();
    }

    @Override
    public String apply(Channel channel, Release release) {
        String name = "fleet " + channel.word() + " (etcd revision " + release.revision() + ")";
        if (channel == Channel.RULES) {
            try {
                agent.reloadRules(RuleSet.parse(name, release.content(), System::getenv));
                return null;
            } catch (RulesException e) {
                return e.problems().getFirst();
            } catch (IOException e) {
                return "the rules' alert log or outbox cannot be used: " + e.getMessage();
            }
        }
        try {
            AgentConfig merged = FleetConfig.overlay(local, release.content());
            protocol.limits(merged.limits());
            if (!merged.equals(local)) {
                LOG.info("control: {}: per-user limits apply now; payload capture, retention, netwatch and"
                        + " connections per user at the agent's next start", name);
            }
            return null;
        } catch (UsageException e) {
            return e.getMessage();
        }
    }

    @Override
    public AgentStatus status() {
        return new AgentStatus(Version.TEXT, agent.liveSessions(), agent.records(), agent.losses(), degradation.get());
    }
}
