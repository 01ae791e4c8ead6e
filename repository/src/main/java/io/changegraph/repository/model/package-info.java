/**
 * The change-impact graph's model and live graph. Persistence is in {@code formats}, the diff in {@code diff},
 * the session store in {@code store}, the one atomic writer, JSON mapper and YAML reader in {@code io}.
 *
 * <h2>Model</h2>
 * Vertices are {@link io.changegraph.repository.model.Node}s, edges are
 * {@link io.changegraph.repository.model.Edge}s from a process to a node, one per (source, verb, target) with
 * counters ({@code count}, {@code bytes}, {@code failed}, first/last time), so 10,000 writes are one edge.
 * Identity is chosen on purpose, and every id is a stable hash of it ({@link io.changegraph.repository.model.Ids}):
 * <ul>
 *   <li><b>process</b> = pid + start time: a reused pid is a new node, and the same process keeps its node
 *       across exec (exe and argv are attributes, the latest exec wins).</li>
 *   <li><b>file</b> = the first path it was seen under, with its path history. Not device + inode (Agith's
 *       choice): the kernel cannot always give an inode (failed opens, deletes, unresolved fds), inodes are
 *       reused, and a path is what a reviewer and a rule reason about. A rename moves the node to its new path,
 *       so {@code sed -i}'s write-temp-then-rename reads as "the temp file replaced /etc/app.conf": the temp
 *       node ends at the original's path and the original node is marked {@code replaced}. A path reused
 *       after a delete or rename is a new node of the next generation.</li>
 *   <li><b>remote</b> = family + address + port; <b>module</b> = name.</li>
 * </ul>
 *
 * <h2>Entry points</h2>
 * <ul>
 *   <li>{@link io.changegraph.repository.model.ChangeGraph}: the live, thread-safe graph of one session; events go in
 *       through {@code apply}, {@code snapshot()} gives an immutable sorted
 *       {@link io.changegraph.repository.model.GraphDocument}.</li>
 * </ul>
 * The model records are public values; the graph's internals (counted edges) are package-private.
 */
package io.changegraph.repository.model;
