package io.changegraph.monitor;

import java.util.ArrayList;
import java.util.List;

/** Collects located validation errors: {@code file:line:column: what is wrong; hint}. */
final class Problems {
    private static final int MAX = 100;
    private final List<String> messages = new ArrayList<>();

    void add(YamlTree.Loc loc, String what, String hint) {
        if (messages.size() < MAX) {
            messages.add(loc + ": " + what + (hint == null || hint.isEmpty() ? "" : "; " + hint));
        }
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }

    List<String> messages() {
        return List.copyOf(messages);
    }
}
