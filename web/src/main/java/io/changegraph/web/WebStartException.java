package io.changegraph.web;

/** The server cannot start as configured; the message is one line saying what is wrong and what to do. */
public final class WebStartException extends RuntimeException {
    public WebStartException(String message) {
        super(message);
    }
}
