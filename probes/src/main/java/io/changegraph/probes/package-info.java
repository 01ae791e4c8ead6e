/**
 * The kernel side of changegraph: the BPF programs (src/main/c, compiled by clang during the build
 * and embedded in this jar) and their loader over libbpf.so.1 through the FFM API.
 *
 * <p>Public surface: {@link io.changegraph.probes.TraceProbe} (lifecycle open → configure → load →
 * attach → follow/poll → close), {@link io.changegraph.probes.ProbeTunables},
 * {@link io.changegraph.probes.RecordHandler}, {@link io.changegraph.probes.ProbeCounters},
 * and {@link io.changegraph.probes.ProbeException}.
 * The record layouts are defined once, in {@code changegraph.h}; the consumer mirrors them.
 */
package io.changegraph.probes;
