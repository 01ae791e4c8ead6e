package io.changegraph.hub;

/** The hub cannot start: one line saying what is wrong and what to do (a bad file, an unreachable database...). */
public final class HubStartException extends RuntimeException {
    public HubStartException(String message) {
        super(message);
    }

    public HubStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
