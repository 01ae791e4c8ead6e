package io.changegraph.controller.config;

import io.changegraph.controller.UsageException;


/**
 * What one unprivileged user may ask of the agent's socket, so that no user can stop another's logins being
 * recorded (root is not limited). Keys of the agent's config.yaml, see docs/ssh.md.
 *
 * @param connectionsPerUser     connections of one uid open at once ({@code max_connections_per_user}, default 8);
 *                               a registration needs one for a few milliseconds
 * @param registrationsPerMinute sessions one uid may register in any 60 s ({@code max_registrations_per_minute},
 *                               default 30)
 * @param sessionsPerUser        live sessions of one uid ({@code max_sessions_per_user}, default 64)
 */
public record AgentLimits(int connectionsPerUser, int registrationsPerMinute, int sessionsPerUser) {
    /** Connections of all users at once: above every user's own limit, so one user can never fill it alone. */
    public static final int MAX_CONNECTIONS = 128;

    public AgentLimits {
        if (connectionsPerUser < 1 || connectionsPerUser > MAX_CONNECTIONS / 2) {
            throw new UsageException("max_connections_per_user must be from 1 to " + MAX_CONNECTIONS / 2);
        }
        if (registrationsPerMinute < 1 || sessionsPerUser < 1) {
            throw new UsageException("max_registrations_per_minute and max_sessions_per_user must be at least 1");
        }
    }

    public static AgentLimits defaults() {
        return new AgentLimits(8, 30, 64);
    }
}
