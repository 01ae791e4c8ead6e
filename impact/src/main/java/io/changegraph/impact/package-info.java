/**
 * What a recorded change did to the host: the net effect per path ({@link io.changegraph.impact.NetEffects}),
 * ops behaviours recognised from processes, arguments, files and verbs (the tables of behaviours.yaml), remotes,
 * processes left running, and the noise classes folded out of it ({@link io.changegraph.impact.NoiseClass}).
 * {@link io.changegraph.impact.Impact} is the entry point; {@link io.changegraph.impact.SummaryFormats} prints it.
 */
package io.changegraph.impact;
