package io.changegraph.probes;

/** A probe could not be opened, loaded, attached or used; the message says what and what to do. */
public final class ProbeException extends RuntimeException {
    public ProbeException(String message) {
        super(message);
    }

    public ProbeException(String message, Throwable cause) {
        super(message, cause);
    }
}
