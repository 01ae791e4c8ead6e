package io.changegraph.repository.formats;

/** A graph file or string that is not a readable {@code changegraph/v1} graph; the message is one line for the user. */
public final class GraphFormatException extends RuntimeException {
    public GraphFormatException(String message) {
        super(message);
    }

    public GraphFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
