/**
 * The fleet control plane on etcd (docs/control.md). Two sides, one key layout ({@link Keys}):
 * <ul>
 *   <li>operators: {@link Fleet} lists the registered hosts, pushes rules or configuration to the whole fleet or
 *       stages them for a group or a host glob (gray release), promotes, rolls back and reads the history, which is
 *       etcd's own revisions of one history key;</li>
 *   <li>agents: {@link ControlAgent} registers its host under a lease, watches the rules and config keys, hands the
 *       applicable release to the agent ({@link ControlAgent.Receiver}), keeps the last good one on disk and
 *       reconnects with exponential backoff and jitter.</li>
 * </ul>
 * Validation of what is pushed is the caller's (the same code as {@code changegraph rules check}); this module only
 * moves validated text. Settings: {@link ControlSettings} (the {@code control:} section of the agent's config).
 */
package io.changegraph.control;
