/** The agent's configuration file ({@code AgentConfig}, {@code AgentLimits}) and where the rules in force come from ({@code InstalledRules}). */
package io.changegraph.controller.config;
