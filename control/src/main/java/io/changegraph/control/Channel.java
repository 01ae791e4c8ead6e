package io.changegraph.control;

/** What the fleet distributes: rules files, or the live part of the agent's configuration. */
public enum Channel {
    RULES("rules"), CONFIG("config");

    private final String word;

    Channel(String word) {
        this.word = word;
    }

    /** The name in keys, commands and the cache: {@code rules} or {@code config}. */
    public String word() {
        return word;
    }
}
