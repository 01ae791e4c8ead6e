package io.changegraph.repository;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Pairs the processes of two runs top-down through the spawn tree. Children of a matched pair (or roots)
 * are grouped by label; within a group, processes with equal behaviour signatures pair first, the rest pair
 * in signature order, and what is left is on one side only. Every pair or single process gets a canonical
 * number; its display name is its label plus {@code #n} when the group holds more than one.
 */
final class ProcessMatching {
    private record Task(int parent, List<String> canary, List<String> production) {
    }

    private final CanonicalSide canarySide;
    private final CanonicalSide productionSide;
    final Map<String, Integer> canaryCanon = new HashMap<>();
    final Map<String, Integer> productionCanon = new HashMap<>();
    final List<String> canaryProcess = new ArrayList<>();
    final List<String> productionProcess = new ArrayList<>();
    private final List<Integer> parent = new ArrayList<>();
    private final List<String> display = new ArrayList<>();
    private final Map<Integer, List<String>> ancestry = new HashMap<>();

    ProcessMatching(CanonicalSide canary, CanonicalSide production) {
        this.canarySide = canary;
        this.productionSide = production;
        Deque<Task> work = new ArrayDeque<>();
        work.push(new Task(-1, canary.roots, production.roots));
        while (!work.isEmpty()) {
            match(work.pop(), work);
        }
    }

    int size() {
        return display.size();
    }

    /** Display names from the root down to {@code canon}, inclusive. */
    List<String> ancestry(int canon) {
        List<String> known = ancestry.get(canon);
        if (known != null) {
            return known;
        }
        List<String> chain = new ArrayList<>();
        for (int current = canon; current >= 0; current = parent.get(current)) {
            chain.add(display.get(current));
        }
        List<String> result = List.copyOf(chain.reversed());
        ancestry.put(canon, result);
        return result;
    }

    /** The canonical number of the parent, -1 for a root; parents are always numbered before their children. */
    int parent(int canon) {
        return parent.get(canon);
    }

    /** Whether the process ran on one side only. */
    boolean oneSided(int canon) {
        return canaryProcess.get(canon) == null || productionProcess.get(canon) == null;
    }

    String display(int canon) {
        return display.get(canon);
    }

    private void match(Task task, Deque<Task> work) {
        Map<String, List<String>> canaryGroups = group(task.canary(), canarySide);
        Map<String, List<String>> productionGroups = group(task.production(), productionSide);
        TreeSet<String> labels = new TreeSet<>(canaryGroups.keySet());
        labels.addAll(productionGroups.keySet());
        for (String label : labels) {
            List<String> canary = canaryGroups.getOrDefault(label, List.of());
            List<String> production = productionGroups.getOrDefault(label, List.of());
            List<String[]> pairs = pair(canary, production);
            for (int i = 0; i < pairs.size(); i++) {
                String[] pair = pairs.get(i);
                String name = pair[0] != null ? canarySide.display(pair[0]) : productionSide.display(pair[1]);
                int canon = add(task.parent(), pairs.size() == 1 ? name : name + " #" + (i + 1), pair[0], pair[1]);
                work.push(new Task(canon, children(canarySide, pair[0]), children(productionSide, pair[1])));
            }
        }
    }

    private static List<String> children(CanonicalSide side, String processId) {
        return processId == null ? List.of() : side.children.getOrDefault(processId, List.of());
    }

    private int add(int parentCanon, String name, String canaryId, String productionId) {
        int canon = display.size();
        display.add(name);
        parent.add(parentCanon);
        canaryProcess.add(canaryId);
        productionProcess.add(productionId);
        if (canaryId != null) {
            canaryCanon.put(canaryId, canon);
        }
        if (productionId != null) {
            productionCanon.put(productionId, canon);
        }
        return canon;
    }

    /** Equal signatures first, then the rest in signature order, then the unpaired of each side. */
    private List<String[]> pair(List<String> canary, List<String> production) {
        if (canary.size() == 1 && production.size() == 1) {
            return List.<String[]>of(new String[] {canary.getFirst(), production.getFirst()});
        }
        List<String> c = sorted(canary, canarySide);
        List<String> p = sorted(production, productionSide);
        List<String[]> pairs = new ArrayList<>();
        List<String> leftCanary = new ArrayList<>();
        List<String> leftProduction = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < c.size() && j < p.size()) {
            int order = Long.compare(canarySide.signature.get(c.get(i)), productionSide.signature.get(p.get(j)));
            if (order == 0) {
                pairs.add(new String[] {c.get(i++), p.get(j++)});
            } else if (order < 0) {
                leftCanary.add(c.get(i++));
            } else {
                leftProduction.add(p.get(j++));
            }
        }
        leftCanary.addAll(c.subList(i, c.size()));
        leftProduction.addAll(p.subList(j, p.size()));
        for (int k = 0; k < Math.max(leftCanary.size(), leftProduction.size()); k++) {
            pairs.add(new String[] {
                    k < leftCanary.size() ? leftCanary.get(k) : null,
                    k < leftProduction.size() ? leftProduction.get(k) : null});
        }
        return pairs;
    }

    private static List<String> sorted(List<String> ids, CanonicalSide side) {
        List<String> copy = new ArrayList<>(ids);
        copy.sort(Comparator.<String>comparingLong(side.signature::get).thenComparing(Comparator.naturalOrder()));
        return copy;
    }

    private static Map<String, List<String>> group(List<String> ids, CanonicalSide side) {
        Map<String, List<String>> groups = new TreeMap<>();
        for (String id : ids) {
            groups.computeIfAbsent(side.label.get(id), label -> new ArrayList<>()).add(id);
        }
        return groups;
    }
}
