package io.changegraph.control;

import java.util.Objects;

/**
 * What the agent tells the registry about itself each time it is asked ({@link ControlAgent.Receiver#status}).
 * CPU and RSS are measured by the control client itself; events per second from two readings of {@code events}.
 *
 * @param version      {@code changegraph 0.1.0}
 * @param liveSessions sessions being recorded now
 * @param events       events recorded since the agent started (a running count)
 * @param losses       records lost in the kernel's ring buffer plus dropped in user space, since the agent started
 * @param degradation  the self-protection state ("none" while the recorder runs in full)
 */
public record AgentStatus(String version, int liveSessions, long events, long losses, String degradation) {
    public AgentStatus {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(degradation, "degradation");
        if (liveSessions < 0 || events < 0 || losses < 0) {
            throw new IllegalArgumentException("negative count");
        }
    }

    /** With no degradation reported. */
    public AgentStatus(String version, int liveSessions, long events, long losses) {
        this(version, liveSessions, events, losses, "none");
    }
}
