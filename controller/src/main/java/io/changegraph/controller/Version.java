package io.changegraph.controller;

/** The changegraph version: {@code changegraph --version} prints it, the agent reports it to the fleet. */
public final class Version {
    /** {@code changegraph 0.1.0} */
    public static final String TEXT = "changegraph 0.1.0";

    private Version() {
    }
}
