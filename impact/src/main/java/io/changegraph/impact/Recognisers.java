package io.changegraph.impact;

import java.nio.file.Path;

/**
 * Loads the ops-behaviour recognisers from a behaviours.yaml (owned by the behaviours work; this placeholder
 * recognises nothing until it lands).
 */
final class Recognisers {
    private Recognisers() {
    }

    /** The recognisers of the shipped behaviours.yaml. */
    static OpsRecogniser shipped() {
        return (graph, effects) -> OpsFindings.NONE;
    }

    /** The recognisers of another behaviours file; a bad file is an IllegalArgumentException naming what is wrong. */
    static OpsRecogniser load(Path file) {
        return (graph, effects) -> OpsFindings.NONE;
    }
}
