package io.changegraph.consumer;

/**
 * A record that is dropped: it cannot be decoded, or the event sink failed on it. {@code problem} names
 * the kind of problem (one warning is logged per kind, rate-limited); the message says what exactly
 * was wrong with this record.
 */
final class DroppedRecordException extends RuntimeException {
    private final String problem;

    DroppedRecordException(String problem, String message) {
        super(message, null, false, false);
        this.problem = problem;
    }

    String problem() {
        return problem;
    }
}
