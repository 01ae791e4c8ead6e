package io.changegraph.repository.store;

/** A journal line or a session record that cannot be read; the message is one line saying what is wrong. */
final class JournalFormatException extends RuntimeException {
    public JournalFormatException(String message) {
        super(message);
    }
}
