/** The recording agent: {@code Agent} (probes loaded once, one {@code AgentSession} per registered login), {@code AgentServer} and {@code AgentProtocol} (the unix socket, peer credentials, limits) and {@code AgentClient}. */
package io.changegraph.controller.agent;
