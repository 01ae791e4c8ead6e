/**
 * The agent's side of the fleet: {@link io.changegraph.forward.HubSettings} (the {@code hub:} section of the
 * agent's config.yaml) and {@link io.changegraph.forward.HubForwarder}, which pushes the sessions of a host's
 * store to the hub over mutual TLS, exactly once per event, resuming after restarts and outages
 * (docs/fleet.md, "Agents"; the hub's side is the {@code hub} module). The store stays the truth: nothing here
 * writes to it but each session's {@code hub.json} progress.
 */
package io.changegraph.forward;
