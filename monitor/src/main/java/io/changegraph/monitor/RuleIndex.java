package io.changegraph.monitor;

import io.changegraph.repository.model.Event;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules watching one verb, indexed by the directory their object path globs start with, so that with
 * thousands of rules an event is matched against the few whose paths can contain it. A glob can only match a
 * path that starts with its literal prefix (the text before its first wildcard, {@link Glob#prefix()}); the
 * index key is that prefix up to its last {@code /} ({@code /etc/**} → {@code /etc}). A rule is indexed when
 * every glob of its match's {@code object.path} has a key; the others (no path condition, {@code **}{@code /x})
 * are tried on every event. Candidates keep rule order, so hits come out as without the index.
 */
final class RuleIndex {
    private final int[] all;
    private final int[] unindexed;
    private final Map<String, int[]> byDirectory;

    RuleIndex(List<Rule> rules, int[] watchers) {
        this.all = watchers;
        List<Integer> rest = new ArrayList<>();
        Map<String, List<Integer>> keyed = new HashMap<>();
        for (int index : watchers) {
            List<String> keys = keys(rules.get(index));
            if (keys == null) {
                rest.add(index);
            } else {
                for (String key : keys) {
                    List<Integer> list = keyed.computeIfAbsent(key, k -> new ArrayList<>());
                    if (list.isEmpty() || list.getLast() != index) {
                        list.add(index);
                    }
                }
            }
        }
        this.unindexed = rest.stream().mapToInt(Integer::intValue).toArray();
        this.byDirectory = new HashMap<>();
        keyed.forEach((key, list) -> byDirectory.put(key, list.stream().mapToInt(Integer::intValue).toArray()));
    }

    /** The directory keys of a rule's path globs; null when one glob has none (the rule is tried always). */
    private static List<String> keys(Rule rule) {
        List<Glob> globs = rule.match().object().path();
        if (globs.isEmpty()) {
            return null;
        }
        List<String> keys = new ArrayList<>(globs.size());
        for (Glob glob : globs) {
            String prefix = glob.prefix();
            int slash = prefix.lastIndexOf('/');
            if (slash <= 0) {
                return null;
            }
            keys.add(prefix.substring(0, slash));
        }
        return keys;
    }

    /** True when indexing narrows anything: callers may skip it otherwise. */
    boolean narrows() {
        return !byDirectory.isEmpty();
    }

    /** The rules, in rule order, that can match {@code event}: its path's directories' rules and the unindexed. */
    int[] candidates(Event event) {
        if (byDirectory.isEmpty()) {
            return all;
        }
        int[][] found = new int[8][];
        int n = 0;
        String path = ObjectMatcher.pathOf(event.object());
        String other = event.verb().detailIsPath() ? event.detail() : null;
        for (String candidate : new String[]{path, other}) {
            if (candidate == null) {
                continue;
            }
            for (int i = candidate.indexOf('/', 1); ; i = candidate.indexOf('/', i + 1)) {
                int[] rules = byDirectory.get(i < 0 ? candidate : candidate.substring(0, i));
                if (rules != null) {
                    if (n == found.length) {
                        found = Arrays.copyOf(found, n * 2);
                    }
                    found[n++] = rules;
                }
                if (i < 0) {
                    break;
                }
            }
        }
        if (n == 0) {
            return unindexed;
        }
        int size = unindexed.length;
        for (int i = 0; i < n; i++) {
            size += found[i].length;
        }
        int[] merged = Arrays.copyOf(unindexed, size);
        int at = unindexed.length;
        for (int i = 0; i < n; i++) {
            System.arraycopy(found[i], 0, merged, at, found[i].length);
            at += found[i].length;
        }
        Arrays.sort(merged);
        int unique = 0;
        for (int i = 0; i < merged.length; i++) {
            if (i == 0 || merged[i] != merged[i - 1]) {
                merged[unique++] = merged[i];
            }
        }
        return unique == merged.length ? merged : Arrays.copyOf(merged, unique);
    }
}
