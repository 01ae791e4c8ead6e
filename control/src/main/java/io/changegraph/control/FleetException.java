package io.changegraph.control;

/** A fleet operation that could not be done: one line saying what and what to do (etcd down, no permission...). */
public final class FleetException extends RuntimeException {
    public FleetException(String message) {
        super(message);
    }

    FleetException(String message, Throwable cause) {
        super(message, cause);
    }
}
