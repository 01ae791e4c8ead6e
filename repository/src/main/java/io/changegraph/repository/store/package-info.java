/**
 * The embedded, crash-safe session store used by the agent ({@code changegraph agent}).
 *
 * <p>Each session has an append-only journal of events ({@link io.changegraph.repository.store.Journal},
 * one {@link io.changegraph.repository.store.EventJson} line per event) and a small record
 * ({@link io.changegraph.repository.store.SessionRecord}). The journal is the truth: a session's graph is
 * rebuilt by replaying it into a fresh {@link io.changegraph.repository.model.ChangeGraph}
 * ({@link io.changegraph.repository.store.SessionStore#rebuild}), which is deterministic. A crash can only
 * cut the last line short; that torn tail is skipped with a warning on read and cut off before appending.
 * Entry point: {@link io.changegraph.repository.store.SessionStore}.
 */
package io.changegraph.repository.store;
