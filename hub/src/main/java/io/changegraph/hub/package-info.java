/**
 * The fleet hub: agents push their sessions (record, journal events, summary, alerts, graph) over mutual TLS;
 * PostgreSQL keeps them; the fleet query API serves them to the viewer and {@code changegraph fleet}.
 * See docs/fleet.md.
 */
package io.changegraph.hub;
