package io.changegraph.repository;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the root commands of the two runs differ ({@code deploy.sh --env canary} vs {@code --env production}).
 * The two root processes are compared as one process whatever their arguments; the argument difference is
 * reported once, and each argument value that differs becomes a <em>parameter</em>: on each side, wherever the
 * value appears as a whole word below the root (argv, paths, details, remote ports), it is read as the same
 * placeholder {@code <canary|production>}, so {@code sed s/env=.*}{@code /env=canary/} matches
 * {@code env=production}, and {@code curl :18080} matches {@code curl :18081} when {@code --port} differs.
 *
 * <p>Values are taken element by element from the normalised argv once the common leading and trailing
 * elements are set aside, so only when both sides have as many differing elements. Within an element the
 * differing part is widened to the word around it ({@code --env=canary} gives {@code canary}); a value shorter
 * than {@value #MIN_VALUE} characters would match too much and is widened to the whole element, or left out.
 */
final class RootArguments {
    static final int MIN_VALUE = 3;
    private static final RootArguments NONE = new RootArguments(Map.of(), Map.of(), null, null, null);

    /** Canary's value to placeholder. */
    final Map<String, String> canary;
    /** Production's value to placeholder. */
    final Map<String, String> production;
    /** {@code argv A -> B} when the root commands' normalised arguments differ, else null. */
    final String change;
    /** The two root commands, normalised, when they differ; else null. */
    final String canaryCommand;
    final String productionCommand;

    private RootArguments(Map<String, String> canary, Map<String, String> production, String change, String canaryCommand,
                          String productionCommand) {
        this.canary = canary;
        this.production = production;
        this.change = change;
        this.canaryCommand = canaryCommand;
        this.productionCommand = productionCommand;
    }

    static RootArguments of(GraphDocument canaryGraph, GraphDocument productionGraph, Normalization normalization) {
        ProcessNode canaryRoot = rootProcess(canaryGraph);
        ProcessNode productionRoot = rootProcess(productionGraph);
        if (canaryRoot == null || productionRoot == null) {
            return NONE;
        }
        Normalizer canaryNormalizer = normalization.forSession(canaryGraph.session());
        Normalizer productionNormalizer = normalization.forSession(productionGraph.session());
        List<String> c = canaryNormalizer.apply(canaryRoot.argv());
        List<String> p = productionNormalizer.apply(productionRoot.argv());
        if (c.equals(p) || !canaryNormalizer.apply(canaryRoot.exe()).equals(productionNormalizer.apply(productionRoot.exe()))) {
            return NONE;
        }
        String change = "argv " + String.join(" ", c) + " -> " + String.join(" ", p);
        int head = 0;
        while (head < c.size() && head < p.size() && c.get(head).equals(p.get(head))) {
            head++;
        }
        int tail = 0;
        while (tail < c.size() - head && tail < p.size() - head
                && c.get(c.size() - 1 - tail).equals(p.get(p.size() - 1 - tail))) {
            tail++;
        }
        Map<String, String> canaryValues = new LinkedHashMap<>();
        Map<String, String> productionValues = new LinkedHashMap<>();
        if (c.size() == p.size()) {
            for (int i = head; i < c.size() - tail; i++) {
                String[] values = c.get(i).equals(p.get(i)) ? null : values(c.get(i), p.get(i));
                if (values != null && !canaryValues.containsKey(values[0]) && !productionValues.containsKey(values[1])) {
                    String placeholder = "<" + values[0] + "|" + values[1] + ">";
                    canaryValues.put(values[0], placeholder);
                    productionValues.put(values[1], placeholder);
                }
            }
        }
        return new RootArguments(Map.copyOf(canaryValues), Map.copyOf(productionValues), change, String.join(" ", c),
                String.join(" ", p));
    }

    /** The session's root process: the process with the session's root pid (the earliest, if the pid was reused). */
    static ProcessNode rootProcess(GraphDocument graph) {
        ProcessNode root = null;
        for (Node node : graph.nodes()) {
            if (node instanceof ProcessNode process && process.pid() == graph.session().rootPid()
                    && (root == null || process.startNs() < root.startNs())) {
                root = process;
            }
        }
        return root;
    }

    /** The differing values of two argv elements, widened to their word, or null when too short to stand for themselves. */
    static String[] values(String canary, String production) {
        int start = 0;
        while (start < canary.length() && start < production.length() && canary.charAt(start) == production.charAt(start)) {
            start++;
        }
        int end = 0;
        while (end < canary.length() - start && end < production.length() - start
                && canary.charAt(canary.length() - 1 - end) == production.charAt(production.length() - 1 - end)) {
            end++;
        }
        while (start > 0 && word(canary.charAt(start - 1))) {
            start--;
        }
        while (end > 0 && word(canary.charAt(canary.length() - end))) {
            end--;
        }
        String c = canary.substring(start, canary.length() - end);
        String p = production.substring(start, production.length() - end);
        if (usable(c) && usable(p)) {
            return new String[] {c, p};
        }
        return usable(canary) && usable(production) ? new String[] {canary, production} : null;
    }

    private static boolean usable(String value) {
        return value.length() >= MIN_VALUE && value.chars().anyMatch(Character::isLetterOrDigit);
    }

    /** Characters that belong to an argument value: letters, digits, {@code . _ -}. */
    static boolean word(char ch) {
        return Character.isLetterOrDigit(ch) || ch == '.' || ch == '_' || ch == '-';
    }

    /** Values longest first, so that a value containing another is replaced whole. */
    static List<String> longestFirst(Map<String, String> values) {
        List<String> sorted = new ArrayList<>(values.keySet());
        sorted.sort(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
        return sorted;
    }
}
