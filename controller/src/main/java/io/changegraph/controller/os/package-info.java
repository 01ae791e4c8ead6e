/** The host: libc calls ({@code LibC}, {@code Posix}), {@code /proc} ({@code ProcessTree}, {@code Host}), environment checks, {@code Tracing} (the probe's lifetime and poll thread), CPU placement and poll priority. */
package io.changegraph.controller.os;
