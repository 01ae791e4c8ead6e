package io.changegraph.impact;

import io.changegraph.repository.model.SummaryBehaviour;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Collects recognised behaviours, one per (kind, subject): a second sighting (useradd's user.add and a
 * direct edit, a unit enabled by systemctl and its .wants link) adds its processes, evidence and detail to
 * the first. Details are kept in the order they came, without repeats.
 */
final class RecognisedBehaviours {
    private record Key(String kind, String subject) {
    }

    private static final class Entry {
        final Set<String> details = new LinkedHashSet<>();
        final Set<String> processes = new TreeSet<>();
        final Set<String> evidence = new TreeSet<>();
    }

    private final Map<Key, Entry> entries = new TreeMap<>(
            java.util.Comparator.comparing(Key::kind).thenComparing(Key::subject));

    void add(String kind, String subject, String detail, Collection<String> processes, Collection<String> evidence) {
        if (!RecogniserTables.KINDS.contains(kind)) {
            throw new IllegalArgumentException("unknown behaviour kind '" + kind + "'");
        }
        Entry entry = entries.computeIfAbsent(new Key(kind, subject == null ? "" : subject), k -> new Entry());
        if (detail != null && !detail.isEmpty()) {
            entry.details.add(detail);
        }
        entry.processes.addAll(processes);
        entry.evidence.addAll(evidence);
    }

    List<SummaryBehaviour> all() {
        List<SummaryBehaviour> out = new ArrayList<>();
        entries.forEach((key, entry) -> out.add(new SummaryBehaviour(key.kind(), key.subject(),
                String.join("; ", entry.details), List.copyOf(entry.processes), List.copyOf(entry.evidence))));
        return out;
    }
}
