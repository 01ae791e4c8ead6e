package io.changegraph.consumer;

/**
 * A record that cannot be decoded. {@code problem} names the kind of problem (one warning is logged
 * per kind, rate-limited); the message says what exactly was wrong with this record.
 */
final class MalformedRecordException extends RuntimeException {
    private final String problem;

    MalformedRecordException(String problem, String message) {
        super(message, null, false, false);
        this.problem = problem;
    }

    String problem() {
        return problem;
    }
}
