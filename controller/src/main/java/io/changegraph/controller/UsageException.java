package io.changegraph.controller;

/**
 * Bad input or an environment that cannot work: printed as one line (what is wrong, what to do),
 * exit code 2, never a stack trace.
 */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
