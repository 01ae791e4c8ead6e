/**
 * Canary versus production: {@link io.changegraph.repository.diff.GraphDiff#compare} matches two graphs by
 * canonical identity (normalised paths, process matching, root arguments) and gives a
 * {@link io.changegraph.repository.diff.DiffReport} ranked by importance, with the impact summaries'
 * differences; {@link io.changegraph.repository.diff.DiffOptions} and
 * {@link io.changegraph.repository.diff.Normalization} are its settings. The matching is package-private.
 */
package io.changegraph.repository.diff;
