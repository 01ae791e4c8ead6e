package io.changegraph.controller;

/**
 * Exit codes of every changegraph command (documented in README.md).
 * {@code record -- COMMAND} exits with the command's own status when the recording succeeded.
 */
public final class ExitCodes {
    /** success; {@code diff}: no difference; {@code check}: no rule of severity >= warning fired */
    public static final int OK = 0;
    /** {@code diff}: differences found; {@code check}: a rule of severity >= warning fired */
    public static final int FOUND = 1;
    /** bad usage, bad input or an environment that cannot work: one line says what to do */
    public static final int USAGE = 2;
    /** a failure after recording started; what was recorded so far is written */
    public static final int INTERNAL = 3;

    private ExitCodes() {
    }
}
