package io.changegraph.monitor;

import java.util.List;

/**
 * A rules file that cannot be used. Every problem is one line {@code file:line:column: message; hint}.
 */
public final class RulesException extends Exception {
    private final List<String> problems;

    RulesException(List<String> problems) {
        super(problems.isEmpty() ? "invalid rules" : problems.getFirst()
                + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
        this.problems = List.copyOf(problems);
    }

    /** The located problems, in file order. */
    public List<String> problems() {
        return problems;
    }
}
