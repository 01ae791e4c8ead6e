/**
 * Reading and writing files safely, shared by every module: the one place that knows the input limits.
 *
 * <ul>
 *   <li>{@link io.changegraph.repository.io.BoundedFiles}: regular files only (a FIFO or a device is refused
 *       before it is opened), a size limit checked before reading, strict UTF-8.</li>
 *   <li>{@link io.changegraph.repository.io.JsonMappers}: the one sorted JSON mapper (deterministic output)
 *       and bounded JSON reading (nesting depth, string length, no trailing content).</li>
 *   <li>{@link io.changegraph.repository.io.YamlReader}: the one YAML reader (SnakeYAML's code-point, nesting
 *       and alias limits, a line-length limit checked before parsing).</li>
 *   <li>{@link io.changegraph.repository.io.AtomicFile}: the one atomic writer (temp file beside the target,
 *       then renamed over it).</li>
 * </ul>
 * Every limit is an {@link io.changegraph.repository.io.InputLimits} knob (an environment variable); going over
 * one is a {@link io.changegraph.repository.io.BadInputException} whose one-line message names the limit and
 * how to raise it (docs/limits.md).
 */
package io.changegraph.repository.io;
