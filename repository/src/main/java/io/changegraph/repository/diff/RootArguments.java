package io.changegraph.repository.diff;

import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
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
 * placeholder {@code <canary|production>}, so {@code sed s/env=.*}{@code /env=canary/} matches {@code env=production},
 * and {@code curl :18080} matches {@code curl :18081} when {@code --port} differs. Both values are read so on both
 * sides: a path that names {@code 1.0-1} in both runs ({@code libgirepository-1.0-1}) still reads the same in both.
 *
 * <p>Values are paired by {@link #alignedPairs}. Within an element the differing part is widened to the word
 * around it ({@code --env=canary} gives {@code canary}); a value shorter than {@value #MIN_VALUE} characters would
 * match too much and is widened to the whole element, or left out.
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
        Map<String, String> values = new LinkedHashMap<>();
        for (int[] pair : alignedPairs(c, p)) {
            String[] pairValues = values(c.get(pair[0]), p.get(pair[1]));
            if (pairValues != null && !values.containsKey(pairValues[0]) && !values.containsKey(pairValues[1])) {
                String placeholder = "<" + pairValues[0] + "|" + pairValues[1] + ">";
                values.put(pairValues[0], placeholder);
                values.put(pairValues[1], placeholder);
            }
        }
        return new RootArguments(Map.copyOf(values), Map.copyOf(values), change, String.join(" ", c), String.join(" ", p));
    }

    /**
     * The argv elements that stand in the same place on both sides and differ: the elements both share (their
     * longest common subsequence) anchor the two lists; between two anchors, gaps of equal length pair element by
     * element, and a longer gap pairs too when what it has more is options at its end or start
     * ({@code [1.0-1]} against {@code [1.0-2, --port, 18081]}). Other gaps pair nothing.
     */
    static List<int[]> alignedPairs(List<String> c, List<String> p) {
        int[][] common = new int[c.size() + 1][p.size() + 1];
        for (int i = c.size() - 1; i >= 0; i--) {
            for (int j = p.size() - 1; j >= 0; j--) {
                common[i][j] = c.get(i).equals(p.get(j)) ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<int[]> pairs = new ArrayList<>();
        int i = 0;
        int j = 0;
        int gapC = 0;
        int gapP = 0;
        while (i <= c.size() && j <= p.size()) {
            boolean end = i == c.size() && j == p.size();
            if (end || (i < c.size() && j < p.size() && c.get(i).equals(p.get(j)) && common[i][j] == common[i + 1][j + 1] + 1)) {
                pairGap(gapC, i, gapP, j, c, p, pairs);
                if (end) {
                    break;
                }
                i++;
                j++;
                gapC = i;
                gapP = j;
            } else if (j == p.size() || (i < c.size() && common[i + 1][j] >= common[i][j + 1])) {
                i++;
            } else {
                j++;
            }
        }
        return pairs;
    }

    private static void pairGap(int fromC, int toC, int fromP, int toP, List<String> c, List<String> p, List<int[]> pairs) {
        int lengthC = toC - fromC;
        int lengthP = toP - fromP;
        int shorter = Math.min(lengthC, lengthP);
        if (shorter == 0) {
            return;
        }
        int offsetC = 0;
        int offsetP = 0;
        if (lengthC != lengthP) {
            List<String> longer = lengthC > lengthP ? c.subList(fromC, toC) : p.subList(fromP, toP);
            int extra = longer.size() - shorter;
            int offset;
            if (longer.get(shorter).startsWith("-")) {
                offset = 0;
            } else if (longer.getFirst().startsWith("-")) {
                offset = extra;
            } else {
                return;
            }
            offsetC = lengthC > lengthP ? offset : 0;
            offsetP = lengthC > lengthP ? 0 : offset;
        }
        for (int k = 0; k < shorter; k++) {
            pairs.add(new int[] {fromC + offsetC + k, fromP + offsetP + k});
        }
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
