/**
 * The audit web viewer: a read-only Javalin server over change-impact graphs, with a static page that draws
 * them with Cytoscape.js (from WebJars, no npm step).
 *
 * <p>Contract: {@link io.changegraph.web.WebServer#start(WebConfig)} serves every graph file given in
 * {@link io.changegraph.web.WebConfig#sources()} (a file, or every {@code *.json} graph in a directory); a
 * session's id is its graph's {@code session.id}. Files are watched (polled), so a session that
 * {@code changegraph record} is still rewriting updates live over server-sent events. The JSON API is
 * documented in {@code docs/web.md}: {@code /api/sessions}, {@code /api/sessions/{id}},
 * {@code /api/sessions/{id}/graph} ({@code changegraph/v1}), {@code /api/sessions/{id}/alerts},
 * {@code /api/sessions/{id}/events} (SSE), {@code /api/alerts} and {@code /api/diff}.
 *
 * <p>On the fleet hub: {@link io.changegraph.web.FleetViewer#mount} serves the same pages and session API from a
 * {@link io.changegraph.web.SessionSource} (the hub's store) instead of graph files, plus the fleet pages
 * ({@code fleet.html}, {@code fleet-diff.html}; docs/fleet.md, "Viewer across hosts").
 *
 * <p>Security: binds to loopback by default; any other bind address needs a token, else
 * {@link io.changegraph.web.WebStartException} is thrown before anything listens. Only GET and HEAD are
 * answered. Ids in URLs are looked up in the in-memory index of loaded sessions and never used as paths.
 *
 * <p>Users: {@link io.changegraph.web.WebConfig#users()} ({@link io.changegraph.web.WebUsers#read(java.nio.file.Path)},
 * tokens stored as SHA-256) gives each person a token and a role. {@code admin} and {@code auditor} see every
 * session; {@code user} only those whose session-store owner uid is theirs. Every endpoint filters by it, and a
 * session the caller may not see is answered exactly like an unknown id (404), so its existence does not leak.
 * The single configured token means {@code admin}.
 */
package io.changegraph.web;
