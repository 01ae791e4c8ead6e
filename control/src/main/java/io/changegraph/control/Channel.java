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

    /** The channel called {@code word} (as {@link #word()} gives it), if any. */
    public static java.util.Optional<Channel> ofWord(String word) {
        return java.util.Arrays.stream(values()).filter(c -> c.word.equals(word)).findFirst();
    }
}
