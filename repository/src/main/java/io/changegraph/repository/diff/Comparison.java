package io.changegraph.repository.diff;

import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Verb;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The two sides' behaviours side by side: finds the differences (a process on one side only collapsed into
 * one difference, see {@link Difference}) and ranks them by {@link Importance}.
 */
final class Comparison {

    /** Most important first, then by ancestry, verb, target and status. */
    static final Comparator<Difference> REPORT_ORDER = Comparator.comparing(Difference::importance)
            .thenComparing(difference -> String.join("\0", difference.ancestry()))
            .thenComparing(difference -> difference.verb().wireName())
            .thenComparing(Difference::target)
            .thenComparing(Difference::status);

    private final CanonicalSide canary;
    private final CanonicalSide production;
    private final ProcessMatching matching;
    private final Map<Behaviour.Key, Behaviour> canaryBehaviours;
    private final Map<Behaviour.Key, Behaviour> productionBehaviours;
    private final DiffOptions options;
    private final RootArguments arguments;

    /** Matches the processes of the two runs and sums each side's edges into canonical behaviours. */
    Comparison(GraphDocument canaryGraph, GraphDocument productionGraph, DiffOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.arguments = RootArguments.of(canaryGraph, productionGraph, options.normalization());
        this.canary = new CanonicalSide(canaryGraph, options, arguments.canary);
        this.production = new CanonicalSide(productionGraph, options, arguments.production);
        this.matching = new ProcessMatching(canary, production);
        this.canaryBehaviours = Behaviour.of(canary, matching.canaryCanon, matching);
        this.productionBehaviours = Behaviour.of(production, matching.productionCanon, matching);
    }

    RootArguments arguments() {
        return arguments;
    }

    CanonicalSide canary() {
        return canary;
    }

    CanonicalSide production() {
        return production;
    }

    ProcessMatching matching() {
        return matching;
    }

    Map<Behaviour.Key, Behaviour> canaryBehaviours() {
        return canaryBehaviours;
    }

    Map<Behaviour.Key, Behaviour> productionBehaviours() {
        return productionBehaviours;
    }

    /** Only on the side that has it, or {@code both} when both sides have it. */
    static DiffStatus status(Object canary, Object production, DiffStatus both) {
        return canary == null ? DiffStatus.ONLY_PRODUCTION : production == null ? DiffStatus.ONLY_CANARY : both;
    }

    List<Difference> differences() {
        int[] top = oneSidedTops();
        Map<Integer, List<Difference>> collapsed = new TreeMap<>();
        List<Difference> differences = new ArrayList<>();
        canaryBehaviours.forEach((key, c) -> {
            Behaviour p = productionBehaviours.get(key);
            List<String> reasons = p == null ? List.of() : reasons(c, p);
            if (p == null || !reasons.isEmpty()) {
                place(difference(key, c, p, reasons), key, top, differences, collapsed);
            }
        });
        productionBehaviours.forEach((key, p) -> {
            if (!canaryBehaviours.containsKey(key)) {
                place(difference(key, null, p, List.of()), key, top, differences, collapsed);
            }
        });
        collapsed.forEach((canon, effects) -> differences.add(oneSidedProcess(canon, effects)));
        for (int canon = 0; canon < matching.size(); canon++) {
            if (top[canon] == canon && !collapsed.containsKey(canon) && followed(canon)) {
                differences.add(oneSidedProcess(canon, List.of()));
            }
        }
        String argv = argumentChange(matching.rootPair());
        if (argv != null) {
            differences.add(new Difference(DiffStatus.CHANGED, Importance.OTHER, matching.ancestry(matching.rootPair()),
                    Verb.EXEC, "", null, null, List.of(argv), List.of()));
        }
        for (int canon = 0; canon < matching.size(); canon++) {
            String exit = exitChange(canon);
            if (exit != null) {
                differences.add(new Difference(DiffStatus.CHANGED, Importance.FAILURE, matching.ancestry(canon),
                        Verb.EXIT, "", null, null, List.of(exit), List.of()));
            }
        }
        differences.sort(REPORT_ORDER);
        return differences;
    }

    /** For each process on one side only, the topmost such process above it (itself included); -1 when matched. */
    private int[] oneSidedTops() {
        int[] top = new int[matching.size()];
        for (int canon = 0; canon < top.length; canon++) {
            int parent = matching.parent(canon);
            top[canon] = !matching.oneSided(canon) ? -1 : parent >= 0 && top[parent] >= 0 ? top[parent] : canon;
        }
        return top;
    }

    /** Behaviours of one-sided processes, and the spawn that started them, go into that process's one difference. */
    private static void place(Difference difference, Behaviour.Key key, int[] top, List<Difference> differences,
                              Map<Integer, List<Difference>> collapsed) {
        if (top[key.process()] >= 0) {
            collapsed.computeIfAbsent(top[key.process()], canon -> new ArrayList<>()).add(difference);
        } else if (key.verb() == Verb.SPAWN && key.targetProcess() >= 0 && top[key.targetProcess()] == key.targetProcess()) {
            collapsed.computeIfAbsent(key.targetProcess(), canon -> new ArrayList<>()).add(difference);
        } else {
            differences.add(difference);
        }
    }

    private boolean followed(int canon) {
        return matching.canaryProcess(canon) >= 0 ? ((ProcessNode) canary.nodes[matching.canaryProcess(canon)]).followed()
                : ((ProcessNode) production.nodes[matching.productionProcess(canon)]).followed();
    }

    private Difference oneSidedProcess(int canon, List<Difference> effects) {
        boolean inCanary = matching.canaryProcess(canon) >= 0;
        int parent = matching.parent(canon);
        List<String> parentChain = parent < 0 ? List.of() : matching.ancestry(parent);
        List<String> ownChain = matching.ancestry(canon);
        Difference.Outcome spawn = new Difference.Outcome(1, 0, 0, List.of());
        Importance importance = Importance.OTHER;
        List<Difference> sorted = effects.stream().sorted(REPORT_ORDER).toList();
        List<String> lines = new ArrayList<>();
        int more = 0;
        for (Difference effect : sorted) {
            importance = effect.importance().compareTo(importance) < 0 ? effect.importance() : importance;
            if (effect.verb() == Verb.SPAWN && effect.ancestry().equals(parentChain)) {
                spawn = inCanary ? effect.canary() : effect.production();
                continue;
            }
            if (lines.size() == Difference.MAX_EFFECTS) {
                more++;
                continue;
            }
            List<String> below = effect.ancestry().subList(ownChain.size(), effect.ancestry().size());
            lines.add((below.isEmpty() ? "" : String.join(" > ", below) + ": ") + effect.verb().wireName()
                    + (effect.target().isEmpty() ? "" : " " + effect.target()));
        }
        if (more > 0) {
            lines.add("... and " + more + " more");
        }
        return new Difference(inCanary ? DiffStatus.ONLY_CANARY : DiffStatus.ONLY_PRODUCTION, importance, parentChain,
                Verb.SPAWN, matching.display(canon), inCanary ? spawn : null, inCanary ? null : spawn, List.of(), lines);
    }

    /** How the root command's arguments changed ({@code argv A -> B}) for the root pair, else null. */
    String argumentChange(int canon) {
        return canon >= 0 && canon == matching.rootPair() ? arguments.change : null;
    }

    /** How the exit status of a matched process changed ({@code exit 0 -> exit 3}), null when it did not or exits are ignored. */
    String exitChange(int canon) {
        if (matching.oneSided(canon) || options.ignoreVerbs().contains(Verb.EXIT)) {
            return null;
        }
        ProcessNode before = (ProcessNode) canary.nodes[matching.canaryProcess(canon)];
        ProcessNode after = (ProcessNode) production.nodes[matching.productionProcess(canon)];
        boolean same = Objects.equals(before.exitCode(), after.exitCode())
                && Objects.equals(before.exitSignal(), after.exitSignal());
        return same ? null : exitStatus(before) + " -> " + exitStatus(after);
    }

    /** What differs between the two sides' outcomes of one behaviour; empty when nothing beyond tolerance. */
    List<String> reasons(Behaviour c, Behaviour p) {
        boolean sameDetails = c.sameDetails(p);
        if ((c.failed == 0) == (p.failed == 0) && !beyondTolerance(c.count, p.count)
                && !beyondTolerance(c.bytes, p.bytes) && sameDetails) {
            return List.of();
        }
        List<String> reasons = new ArrayList<>();
        if ((c.failed == 0) != (p.failed == 0)) {
            reasons.add("failed " + c.failed + " -> " + p.failed);
        }
        if (beyondTolerance(c.count, p.count)) {
            reasons.add("count " + c.count + " -> " + p.count);
        }
        if (beyondTolerance(c.bytes, p.bytes)) {
            reasons.add("bytes " + c.bytes + " -> " + p.bytes);
        }
        if (!sameDetails) {
            reasons.add("details " + c.details() + " -> " + p.details());
        }
        return reasons;
    }

    private boolean beyondTolerance(long a, long b) {
        if (options.countTolerance() == 0) {
            return false;
        }
        double low = Math.max(1, Math.min(a, b));
        double high = Math.max(1, Math.max(a, b));
        return high / low >= options.countTolerance();
    }

    private Difference difference(Behaviour.Key key, Behaviour c, Behaviour p, List<String> reasons) {
        DiffStatus status = status(c, p, DiffStatus.CHANGED);
        Behaviour any = c != null ? c : p;
        CanonicalSide side = c != null ? canary : production;
        return new Difference(status, importance(key.verb(), status, any, side, c, p), matching.ancestry(key.process()),
                key.verb(), any.targetLabel, c == null ? null : c.outcome(), p == null ? null : p.outcome(), reasons,
                List.of());
    }

    private static Importance importance(Verb verb, DiffStatus status, Behaviour any, CanonicalSide side,
                                         Behaviour c, Behaviour p) {
        if (verb.destructive()) {
            return Importance.DESTRUCTIVE;
        }
        if (verb.writes() && any.target instanceof FileNode file && outside(file, side)) {
            return Importance.WRITE_OUTSIDE_WORKDIR;
        }
        if (any.target instanceof RemoteNode && status != DiffStatus.CHANGED) {
            return Importance.NEW_REMOTE;
        }
        boolean failedCalls = status == DiffStatus.CHANGED ? (c.failed == 0) != (p.failed == 0) : any.failed > 0;
        return failedCalls ? Importance.FAILURE : Importance.OTHER;
    }

    private static boolean outside(FileNode file, CanonicalSide side) {
        if (side.rootCwd == null) {
            return true;
        }
        String prefix = side.rootCwd.endsWith("/") ? side.rootCwd : side.rootCwd + "/";
        for (String path : file.paths()) {
            String normal = side.normalize(path);
            if (!normal.startsWith(prefix) && !normal.equals(side.rootCwd)) {
                return true;
            }
        }
        return false;
    }

    private static String exitStatus(ProcessNode process) {
        if (process.exitSignal() != null) {
            return "killed by signal " + process.exitSignal();
        }
        return process.exitCode() == null ? "running" : "exit " + process.exitCode();
    }
}
