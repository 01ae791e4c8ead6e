package io.changegraph.impact;

import io.changegraph.repository.GraphDocument;
import io.changegraph.repository.Summary;

/** The summary for people (text for a terminal, markdown) and for programs (changegraph-summary/v1 JSON). */
public final class SummaryFormats {
    private SummaryFormats() {
    }

    public static String text(GraphDocument document, Summary summary) {
        return "";
    }

    public static String markdown(GraphDocument document, Summary summary) {
        return "";
    }

    public static String json(GraphDocument document, Summary summary) {
        return "{}\n";
    }
}
