/**
 * Risky-behaviour rules (rules.yaml) evaluated on every new event of a session, with alerts to the graph,
 * a JSON lines log, mail and a webhook. The file format is documented in docs/rules.md.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link io.changegraph.monitor.RuleSet#load(java.nio.file.Path)} reads and validates a rules file;
 *       a bad file is a {@link io.changegraph.monitor.RulesException} whose
 *       {@code problems()} are one line each, {@code file:line:column: what is wrong; hint}, in file order.
 *       The YAML is first read into a tree that keeps every key's and value's location (Jackson's own tree
 *       forgets them); globs use the JDK {@code PathMatcher}, regexes {@code java.util.regex}, CIDRs are
 *       parsed as IP literals (never resolved).</li>
 *   <li>{@link io.changegraph.monitor.Monitor#start} owns two threads: <em>dispatch</em> (alert log,
 *       aggregation per session and rule for one window) and <em>send</em> (outbox → SMTP/webhook with a
 *       rate limit and exponential backoff with jitter). {@link io.changegraph.monitor.Monitor#onEvent} runs
 *       on the caller's thread, only evaluates and offers to a bounded queue: it never blocks or throws, so
 *       tracing is never slowed by mail. Close it to flush pending hits to the outbox.</li>
 *   <li>The outbox is a directory with one JSON file per pending message, written atomically (temp file +
 *       rename), deleted after delivery, loaded on start: alerts survive an agent restart. A message that
 *       timed out after the server accepted it may be sent twice; it carries an {@code X-Changegraph-Alert}
 *       id so receivers can tell.</li>
 *   <li>{@link io.changegraph.monitor.SessionContext} is all the monitor reads of a live graph (ancestry,
 *       the id of an event's target node). Windows and sequences ("wrote then executed") are the monitor's
 *       own per-session state, bounded per rule, keyed by the session id and timed by event time, so the
 *       same events give the same hits live and replayed ({@link io.changegraph.monitor.Monitor#quiet} over a
 *       journal). {@link io.changegraph.monitor.Monitor#evaluate} has only a graph's aggregated edges: it agrees
 *       on per-event rules, and approximates thresholds and sequences (an edge's calls all at its first time);
 *       a graph recorded with the same rules ({@code session.rules} = {@link io.changegraph.monitor.RuleSet#digest})
 *       already holds their exact alerts.</li>
 *   <li>Rules are indexed by verb: an event whose verb no rule watches costs one array lookup.</li>
 * </ul>
 */
package io.changegraph.monitor;
