package io.changegraph.controller;

/**
 * Bad input or an environment that cannot work: printed as one line (what is wrong, what to do),
 * exit code 2, never a stack trace.
 */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
