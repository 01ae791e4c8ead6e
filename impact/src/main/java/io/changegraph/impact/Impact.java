package io.changegraph.impact;

import io.changegraph.repository.Edge;
import io.changegraph.repository.GraphDocument;
import io.changegraph.repository.Node;
import io.changegraph.repository.ProcessNode;
import io.changegraph.repository.Summary;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a recording into what it did to the host: {@link #summarise(GraphDocument)} with the shipped
 * recognisers, {@link #load(Path)} for another behaviours file.
 */
public final class Impact {
    private static final Impact SHIPPED = new Impact(Recognisers.shipped());

    private final OpsRecogniser recogniser;

    private Impact(OpsRecogniser recogniser) {
        this.recogniser = recogniser;
    }

    /** The summary of a recording with the shipped behaviours.yaml. */
    public static Summary summarise(GraphDocument document) {
        return SHIPPED.of(document);
    }

    /** An Impact with the recognisers of another behaviours file; a bad file is an IllegalArgumentException. */
    public static Impact load(Path behaviours) {
        return new Impact(Recognisers.load(behaviours));
    }

    /** The summary of a recording with this Impact's recognisers. */
    public Summary of(GraphDocument document) {
        return Summary.EMPTY;
    }

    /**
     * The impact subgraph: the processes that did something in the summary and their ancestors up to the
     * root, the files they changed, their remotes and module nodes, with the edges between them.
     */
    public static GraphDocument changesOnly(GraphDocument document, Summary summary) {
        return document;
    }

    /** The stateless noise class of one edge (its process and target node), or empty when it is not noise. */
    public static Optional<NoiseClass> noiseClass(ProcessNode process, Edge edge, Node target) {
        return Optional.empty();
    }

    /** Every folded edge of the recording (key {@code source|verb|target}) with its noise class. */
    public static Map<String, NoiseClass> noise(GraphDocument document) {
        return Map.of();
    }
}
