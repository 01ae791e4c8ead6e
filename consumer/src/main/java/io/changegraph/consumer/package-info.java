/**
 * The consumer: ring-buffer records in, subject-verb-object {@link io.changegraph.repository.model.Event}s out.
 *
 * <p>Public surface: {@link io.changegraph.consumer.Consumer} (factory and facade),
 * {@link io.changegraph.consumer.EventSink}, {@link io.changegraph.consumer.ProcSnapshot},
 * {@link io.changegraph.consumer.ConsumerStats}, {@link io.changegraph.consumer.HostNames} (netwatch's host-wide
 * DNS names, with the session recorder's DNS parsing). Everything else is package-private.
 *
 * <p>Contract:
 * <ul>
 *   <li>Wire format: {@code probes/src/main/c/changegraph.h} is the single truth; {@code WireLayouts}
 *       mirrors every struct and {@code WireLayoutsTest} compares it with the offsets the probes build
 *       printed from the compiled structs. Records are dispatched on the header's kind to one
 *       decoder per kind (fork, exec, exit, syscall, io); syscalls to one handler per operation.</li>
 *   <li>Paths are always absolute: relative to the process's cwd (chdir and fchdir tracked), *at()
 *       calls relative to their dirfd, fds inherited across fork and copied by dup/dup2/dup3/fcntl,
 *       close-on-exec fds closed at exec. Normalisation is lexical ({@code .}, {@code ..}, {@code //});
 *       symlinks are not resolved, a path is the name the process used. A path that cannot be resolved
 *       says so ({@code <unresolved fd 7>/name}, {@code <unresolved cwd>/name},
 *       {@code <unresolved fd 7 inode 1234>}, a {@code …[truncated]} suffix) and has
 *       {@code resolved = false}: visible, never silently wrong.</li>
 *   <li>Nothing is lost silently: a record that cannot be decoded is counted in
 *       {@link io.changegraph.consumer.ConsumerStats#droppedUser()} and logged (one warning per kind of
 *       problem, rate-limited); a record from a process never seen forking or seeded is kept, the
 *       process created on the spot (uid -1, unknown cwd) and counted in
 *       {@link io.changegraph.consumer.ConsumerStats#unknownProcesses()}. Kernel-side losses are counted
 *       by the probes, not here.</li>
 *   <li>A failed call ({@code ret} = -errno) is an event with {@code failed = 1} and changes no fd or
 *       cwd table; a non-blocking connect's EINPROGRESS counts as success.</li>
 * </ul>
 */
package io.changegraph.consumer;
