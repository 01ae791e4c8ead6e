package io.changegraph.repository.io;

/**
 * An input that cannot be read within its limits or is not what it should be (not a regular file, not UTF-8,
 * too big, too deep, trailing content). The message is one line for the user: what is wrong and, for a limit,
 * the knob that raises it. Commands turn it into exit code 2.
 */
public final class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
