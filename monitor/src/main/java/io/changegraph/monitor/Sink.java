package io.changegraph.monitor;

/** Delivers one {@link Message}; implementations are called from the sender thread only. */
interface Sink extends AutoCloseable {
    void send(Message message) throws SendFailure;

    @Override
    default void close() {
    }

    /**
     * Delivery failed. {@code permanent} marks failures that retrying will not fix by itself (bad
     * credentials, rejected recipients); they are still retried, at the longest delay, and logged as errors.
     */
    final class SendFailure extends Exception {
        private final boolean permanent;

        SendFailure(String message, boolean permanent) {
            super(message, null, false, false);
            this.permanent = permanent;
        }

        boolean permanent() {
            return permanent;
        }
    }
}
