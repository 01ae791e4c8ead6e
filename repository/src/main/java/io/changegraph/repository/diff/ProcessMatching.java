package io.changegraph.repository.diff;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Pairs the processes of two runs top-down through the spawn tree. Children of a matched pair (or roots)
 * are grouped by label; within a group, processes with equal behaviour signatures pair first, the rest pair
 * in signature order, and what is left is on one side only. Every pair or single process gets a canonical
 * number (parents before children); its display name is its label plus {@code #n} when the group holds more
 * than one.
 */
final class ProcessMatching {
    private static final int NONE = -1;
    /** The group key of a child with its parent's label; no label starts with a control character. */
    private static final String FORK = "\u0001fork";

    private record Task(int parent, int[] canary, int[] production) {
    }

    private final CanonicalSide canarySide;
    private final CanonicalSide productionSide;
    /** Canonical number per node of each side, {@value #NONE} for non-processes. */
    final int[] canaryCanon;
    final int[] productionCanon;
    private int[] canaryProcess = new int[16];
    private int[] productionProcess = new int[16];
    private int[] parent = new int[16];
    private final List<String> display = new ArrayList<>();
    private final Map<Integer, List<String>> ancestry = new java.util.HashMap<>();
    private int rootPair = NONE;

    ProcessMatching(CanonicalSide canary, CanonicalSide production) {
        this.canarySide = canary;
        this.productionSide = production;
        canaryCanon = new int[canary.nodes.length];
        productionCanon = new int[production.nodes.length];
        Arrays.fill(canaryCanon, NONE);
        Arrays.fill(productionCanon, NONE);
        Deque<Task> work = new ArrayDeque<>();
        work.push(new Task(NONE, canary.roots, production.roots));
        while (!work.isEmpty()) {
            match(work.pop(), work);
        }
    }

    /**
     * The canonical number of the two sessions' root processes, compared as one process whatever their arguments
     * (see {@link RootArguments}); {@value #NONE} when either side did not record its root.
     */
    int rootPair() {
        return rootPair;
    }

    int size() {
        return display.size();
    }

    /** The canary's node number of a canonical process, {@value #NONE} when it ran in production only. */
    int canaryProcess(int canon) {
        return canaryProcess[canon];
    }

    /** Production's node number of a canonical process, {@value #NONE} when it ran in the canary only. */
    int productionProcess(int canon) {
        return productionProcess[canon];
    }

    /** The canonical number of the parent, -1 for a root; parents are always numbered before their children. */
    int parent(int canon) {
        return parent[canon];
    }

    /** Whether the process ran on one side only. */
    boolean oneSided(int canon) {
        return canaryProcess[canon] == NONE || productionProcess[canon] == NONE;
    }

    String display(int canon) {
        return display.get(canon);
    }

    /** Display names from the root down to {@code canon}, inclusive. */
    List<String> ancestry(int canon) {
        List<String> known = ancestry.get(canon);
        if (known != null) {
            return known;
        }
        List<String> chain = new ArrayList<>();
        for (int current = canon; current >= 0; current = parent[current]) {
            chain.add(display.get(current));
        }
        List<String> result = List.copyOf(chain.reversed());
        ancestry.put(canon, result);
        return result;
    }

    private void match(Task task, Deque<Task> work) {
        int[] canaryNodes = task.canary();
        int[] productionNodes = task.production();
        if (task.parent() == NONE && contains(canaryNodes, canarySide.rootProcess)
                && contains(productionNodes, productionSide.rootProcess)) {
            int c = canarySide.rootProcess;
            int p = productionSide.rootProcess;
            canaryNodes = Arrays.stream(canaryNodes).filter(node -> node != c).toArray();
            productionNodes = Arrays.stream(productionNodes).filter(node -> node != p).toArray();
            rootPair = add(NONE, CanonicalSide.shorten(merged(canarySide.fullDisplay(c), productionSide.fullDisplay(p)),
                    2 * CanonicalSide.DISPLAY_LIMIT), c, p);
            work.push(new Task(rootPair, children(canarySide, c), children(productionSide, p)));
        }
        int canaryParent = task.parent() == NONE ? NONE : canaryProcess[task.parent()];
        int productionParent = task.parent() == NONE ? NONE : productionProcess[task.parent()];
        Map<String, List<Integer>> canaryGroups = group(canaryNodes, canarySide, canaryParent);
        Map<String, List<Integer>> productionGroups = group(productionNodes, productionSide, productionParent);
        TreeSet<String> labels = new TreeSet<>(canaryGroups.keySet());
        labels.addAll(productionGroups.keySet());
        for (String label : labels) {
            List<int[]> pairs = pair(canaryGroups.getOrDefault(label, List.of()), productionGroups.getOrDefault(label, List.of()));
            for (int i = 0; i < pairs.size(); i++) {
                int[] pair = pairs.get(i);
                int c = pair[0];
                int p = pair[1];
                String name = c != NONE ? canarySide.display(c) : productionSide.display(p);
                int canon = add(task.parent(), pairs.size() == 1 ? name : name + " #" + (i + 1), c, p);
                int[] canaryChildren = children(canarySide, c);
                int[] productionChildren = children(productionSide, p);
                for (int r = 2; r < pair.length; r++) {
                    int repeat = pair[r];
                    if (repeat >= 0) {
                        canaryCanon[repeat] = canon;
                        canaryChildren = concat(canaryChildren, children(canarySide, repeat));
                    } else {
                        productionCanon[-repeat - 1] = canon;
                        productionChildren = concat(productionChildren, children(productionSide, -repeat - 1));
                    }
                }
                work.push(new Task(canon, canaryChildren, productionChildren));
            }
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static boolean contains(int[] nodes, int node) {
        return node != NONE && Arrays.stream(nodes).anyMatch(n -> n == node);
    }

    /** One name for two different commands: their common words, and the differing middle as {@code <canary|production>}. */
    static String merged(String canary, String production) {
        if (canary.equals(production)) {
            return canary;
        }
        List<String> c = List.of(canary.split(" "));
        List<String> p = List.of(production.split(" "));
        int head = 0;
        while (head < c.size() && head < p.size() && c.get(head).equals(p.get(head))) {
            head++;
        }
        int tail = 0;
        while (tail < c.size() - head && tail < p.size() - head && c.get(c.size() - 1 - tail).equals(p.get(p.size() - 1 - tail))) {
            tail++;
        }
        List<String> words = new ArrayList<>(c.subList(0, head));
        words.add("<" + String.join(" ", c.subList(head, c.size() - tail)) + "|"
                + String.join(" ", p.subList(head, p.size() - tail)) + ">");
        words.addAll(c.subList(c.size() - tail, c.size()));
        return String.join(" ", words);
    }

    private static int[] children(CanonicalSide side, int process) {
        return process == NONE ? new int[0]
                : Arrays.copyOfRange(side.childList, side.childStart[process], side.childStart[process + 1]);
    }

    private int add(int parentCanon, String name, int canaryNode, int productionNode) {
        int canon = display.size();
        if (canon == parent.length) {
            parent = Arrays.copyOf(parent, canon * 2);
            canaryProcess = Arrays.copyOf(canaryProcess, canon * 2);
            productionProcess = Arrays.copyOf(productionProcess, canon * 2);
        }
        display.add(name);
        parent[canon] = parentCanon;
        canaryProcess[canon] = canaryNode;
        productionProcess[canon] = productionNode;
        if (canaryNode != NONE) {
            canaryCanon[canaryNode] = canon;
        }
        if (productionNode != NONE) {
            productionCanon[productionNode] = canon;
        }
        return canon;
    }

    /**
     * Equal signatures first, then the rest in signature order, then the unpaired of each side. A process left over
     * whose signature equals that of a paired sibling is a <em>repeat</em> (a retry loop's third {@code curl}, another
     * {@code sleep 0.1}): it joins that pair's canonical process, as repeated calls join one edge, so its edges and
     * spawn add to that pair's counts (compared by the count tolerance) and its children are matched with the pair's.
     * Each pair is {@code [canary, production, repeats...]}, a repeat as its canary node or as {@code -1 - node} for
     * production's.
     */
    private List<int[]> pair(List<Integer> canary, List<Integer> production) {
        if (canary.size() <= 1 && production.size() <= 1) {
            return List.<int[]>of(new int[] {canary.isEmpty() ? NONE : canary.getFirst(),
                    production.isEmpty() ? NONE : production.getFirst()});
        }
        List<Integer> c = sorted(canary, canarySide);
        List<Integer> p = sorted(production, productionSide);
        List<int[]> pairs = new ArrayList<>();
        List<Integer> leftCanary = new ArrayList<>();
        List<Integer> leftProduction = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < c.size() && j < p.size()) {
            int order = Long.compare(canarySide.signature[c.get(i)], productionSide.signature[p.get(j)]);
            if (order == 0) {
                pairs.add(new int[] {c.get(i++), p.get(j++)});
            } else if (order < 0) {
                leftCanary.add(c.get(i++));
            } else {
                leftProduction.add(p.get(j++));
            }
        }
        leftCanary.addAll(c.subList(i, c.size()));
        leftProduction.addAll(p.subList(j, p.size()));
        repeats(pairs, leftCanary, canarySide, 0, false);
        repeats(pairs, leftProduction, productionSide, 1, true);
        for (int k = 0; k < Math.max(leftCanary.size(), leftProduction.size()); k++) {
            pairs.add(new int[] {k < leftCanary.size() ? leftCanary.get(k) : NONE,
                    k < leftProduction.size() ? leftProduction.get(k) : NONE});
        }
        return pairs;
    }

    /** Moves the left-over processes that repeat a paired sibling's signature onto that pair (see {@link #pair}). */
    private static void repeats(List<int[]> pairs, List<Integer> left, CanonicalSide side, int column, boolean production) {
        Map<Long, Integer> pairBySignature = new java.util.HashMap<>();
        for (int k = 0; k < pairs.size(); k++) {
            pairBySignature.putIfAbsent(side.signature[pairs.get(k)[column]], k);
        }
        for (java.util.Iterator<Integer> it = left.iterator(); it.hasNext(); ) {
            int node = it.next();
            Integer k = pairBySignature.get(side.signature[node]);
            if (k != null) {
                int[] pair = pairs.get(k);
                int[] longer = Arrays.copyOf(pair, pair.length + 1);
                longer[pair.length] = production ? -1 - node : node;
                pairs.set(k, longer);
                it.remove();
            }
        }
    }

    private static List<Integer> sorted(List<Integer> nodes, CanonicalSide side) {
        List<Integer> copy = new ArrayList<>(nodes);
        copy.sort((a, b) -> {
            int order = Long.compare(side.signature[a], side.signature[b]);
            return order != 0 ? order : side.nodes[a].id().compareTo(side.nodes[b].id());
        });
        return copy;
    }

    /**
     * Children by label; a child with its parent's label (a fork: a subshell, a daemonising copy) groups as a fork
     * of its parent, so forks of the two root commands match although the roots' arguments differ.
     */
    private static Map<String, List<Integer>> group(int[] nodes, CanonicalSide side, int parent) {
        Map<String, List<Integer>> groups = new TreeMap<>();
        for (int node : nodes) {
            String key = parent != NONE && side.label[node].equals(side.label[parent]) ? FORK : side.label[node];
            groups.computeIfAbsent(key, label -> new ArrayList<>(1)).add(node);
        }
        return groups;
    }
}
