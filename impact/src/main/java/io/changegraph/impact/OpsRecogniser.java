package io.changegraph.impact;

/**
 * The seam between the impact core and the ops-behaviour recognisers (behaviours.yaml): given the recording
 * and its net file effects, says which ops behaviours happened and which processes' subtrees fold into them
 * (a package manager and its triggers). Implementations are pure functions of their input.
 */
interface OpsRecogniser {
    OpsFindings recognise(SessionGraph graph, NetEffects effects);
}
