package io.changegraph.repository;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares a canary run's graph with the production run of the same change, by canonical identity (see
 * {@code repository/README.md}, section "diff"): two honest runs compare equal although pids, times, hosts,
 * homes, temp names and counts differ. Linear in the size of the graphs, apart from sorting siblings that
 * share a label and the differences found.
 */
public final class GraphDiff {
    private static final Set<Verb> DESTRUCTIVE = EnumSet.of(Verb.UNLINK, Verb.RMDIR, Verb.RENAME, Verb.TRUNCATE);
    private static final Set<Verb> WRITING = EnumSet.of(Verb.WRITE, Verb.CREATE, Verb.MKDIR, Verb.LINK, Verb.SYMLINK,
            Verb.CHMOD, Verb.CHOWN);

    private GraphDiff() {
    }

    public static DiffReport compare(GraphDocument canary, GraphDocument production, DiffOptions options) {
        Objects.requireNonNull(options, "options");
        CanonicalSide canarySide = new CanonicalSide(canary, options);
        CanonicalSide productionSide = new CanonicalSide(production, options);
        ProcessMatching matching = new ProcessMatching(canarySide, productionSide);
        Map<BehaviourKey, Behaviour> canaryBehaviours = behaviours(canarySide, matching.canaryCanon, matching);
        Map<BehaviourKey, Behaviour> productionBehaviours = behaviours(productionSide, matching.productionCanon, matching);
        Comparison comparison = new Comparison(canarySide, productionSide, matching, canaryBehaviours,
                productionBehaviours, options);
        return new DiffReport(canary, production, comparison.differences(), comparison::union);
    }

    /**
     * A behaviour by canonical identity: acting process, verb, and either the canonical number of a target
     * process or the canonical key of another target (then {@code targetProcess} is -1).
     */
    record BehaviourKey(int process, Verb verb, int targetProcess, String target) {
    }

    /** One side's edges that share a canonical identity, summed. */
    static final class Behaviour {
        final String targetLabel;
        final Node target;
        long count;
        long bytes;
        long failed;
        Instant first;
        Instant last;
        /** Normalised details, sorted; allocated on the first one (most edges have none). */
        private TreeSet<String> details;

        Behaviour(String targetLabel, Node target) {
            this.targetLabel = targetLabel;
            this.target = target;
        }

        void add(Edge edge, CanonicalSide side) {
            count += edge.count();
            bytes += edge.bytes();
            failed += edge.failed();
            first = first == null || (edge.first() != null && edge.first().isBefore(first)) ? edge.first() : first;
            last = last == null || (edge.last() != null && edge.last().isAfter(last)) ? edge.last() : last;
            for (String detail : edge.details()) {
                if (details == null) {
                    details = new TreeSet<>();
                }
                details.add(side.normalize(detail));
            }
        }

        Difference.Outcome outcome() {
            return new Difference.Outcome(count, bytes, failed, details());
        }

        List<String> details() {
            return details == null ? List.of() : List.copyOf(details);
        }
    }

    private static Map<BehaviourKey, Behaviour> behaviours(CanonicalSide side, int[] canon, ProcessMatching matching) {
        Map<BehaviourKey, Behaviour> behaviours = HashMap.newHashMap(side.edges.length);
        for (int source = 0; source < side.nodes.length; source++) {
            int process = canon[source];
            if (process < 0) {
                continue;
            }
            for (int e = side.edgeStart[source]; e < side.edgeStart[source + 1]; e++) {
                Edge edge = side.edges[e];
                int target = side.edgeTarget[e];
                int targetProcess = side.isProcess(target) ? canon[target] : -1;
                String key = targetProcess >= 0 ? null : side.targetKey(target);
                BehaviourKey behaviourKey = new BehaviourKey(process, edge.verb(), targetProcess, key);
                Behaviour behaviour = behaviours.get(behaviourKey);
                if (behaviour == null) {
                    behaviour = new Behaviour(targetProcess >= 0 ? matching.display(targetProcess) : key, side.nodes[target]);
                    behaviours.put(behaviourKey, behaviour);
                }
                behaviour.add(edge, side);
            }
        }
        return behaviours;
    }

    /** The two sides' behaviours side by side: the differences, and the union graph on demand. */
    private record Comparison(CanonicalSide canary, CanonicalSide production, ProcessMatching matching,
                              Map<BehaviourKey, Behaviour> canaryBehaviours,
                              Map<BehaviourKey, Behaviour> productionBehaviours, DiffOptions options) {

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
            if (!options.ignoreVerbs().contains(Verb.EXIT)) {
                for (int canon = 0; canon < matching.size(); canon++) {
                    String exit = exitChange(canon);
                    if (exit != null) {
                        differences.add(new Difference(DiffStatus.CHANGED, Importance.FAILURE, matching.ancestry(canon),
                                Verb.EXIT, "", null, null, List.of(exit), List.of()));
                    }
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
        private static void place(Difference difference, BehaviourKey key, int[] top, List<Difference> differences,
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

        private String exitChange(int canon) {
            if (matching.oneSided(canon)) {
                return null;
            }
            ProcessNode before = (ProcessNode) canary.nodes[matching.canaryProcess(canon)];
            ProcessNode after = (ProcessNode) production.nodes[matching.productionProcess(canon)];
            boolean same = Objects.equals(before.exitCode(), after.exitCode())
                    && Objects.equals(before.exitSignal(), after.exitSignal());
            return same ? null : exitStatus(before) + " -> " + exitStatus(after);
        }

        private List<String> reasons(Behaviour c, Behaviour p) {
            boolean sameDetails = c.details == null ? p.details == null : c.details.equals(p.details);
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

        private Difference difference(BehaviourKey key, Behaviour c, Behaviour p, List<String> reasons) {
            DiffStatus status = c == null ? DiffStatus.ONLY_PRODUCTION : p == null ? DiffStatus.ONLY_CANARY : DiffStatus.CHANGED;
            Behaviour any = c != null ? c : p;
            CanonicalSide side = c != null ? canary : production;
            return new Difference(status, importance(key.verb(), status, any, side, c, p), matching.ancestry(key.process()),
                    key.verb(), any.targetLabel, c == null ? null : c.outcome(), p == null ? null : p.outcome(), reasons,
                    List.of());
        }

        private static Importance importance(Verb verb, DiffStatus status, Behaviour any, CanonicalSide side,
                                             Behaviour c, Behaviour p) {
            if (DESTRUCTIVE.contains(verb)) {
                return Importance.DESTRUCTIVE;
            }
            if (WRITING.contains(verb) && any.target instanceof FileNode file && outside(file, side)) {
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

        DiffUnion union() {
            return new UnionBuilder(this).build();
        }
    }

    private static String exitStatus(ProcessNode process) {
        if (process.exitSignal() != null) {
            return "killed by signal " + process.exitSignal();
        }
        return process.exitCode() == null ? "running" : "exit " + process.exitCode();
    }

    static final Comparator<Difference> REPORT_ORDER = Comparator.comparing(Difference::importance)
            .thenComparing(difference -> String.join("\0", difference.ancestry()))
            .thenComparing(difference -> difference.verb().wireName())
            .thenComparing(Difference::target)
            .thenComparing(Difference::status);

    /** Builds the union graph: every canonical process and behaviour once, ids kept unique. */
    private static final class UnionBuilder {
        private final Comparison comparison;
        private final Map<String, Node> nodes = new LinkedHashMap<>();
        private final Map<String, DiffStatus> nodeStatus = new HashMap<>();
        private final Map<String, DiffStatus> edgeStatus = new HashMap<>();
        private final Map<String, String> reasons = new HashMap<>();
        private final Map<Integer, String> processIds = new HashMap<>();
        private final Map<String, String> targetIds = new HashMap<>();
        private final List<Edge> edges = new ArrayList<>();

        UnionBuilder(Comparison comparison) {
            this.comparison = comparison;
        }

        DiffUnion build() {
            ProcessMatching matching = comparison.matching();
            for (int canon = 0; canon < matching.size(); canon++) {
                int canaryNode = matching.canaryProcess(canon);
                int productionNode = matching.productionProcess(canon);
                Node node = canaryNode >= 0 ? comparison.canary().nodes[canaryNode] : comparison.production().nodes[productionNode];
                String id = addNode(node);
                processIds.put(canon, id);
                String exit = comparison.exitChange(canon);
                if (exit != null && !comparison.options().ignoreVerbs().contains(Verb.EXIT)) {
                    nodeStatus.put(id, DiffStatus.CHANGED);
                    reasons.put(id, exit);
                } else {
                    nodeStatus.put(id, canaryNode < 0 ? DiffStatus.ONLY_PRODUCTION
                            : productionNode < 0 ? DiffStatus.ONLY_CANARY : DiffStatus.SAME);
                }
            }
            Map<BehaviourKey, Behaviour> canaryBehaviours = comparison.canaryBehaviours();
            Map<BehaviourKey, Behaviour> productionBehaviours = comparison.productionBehaviours();
            canaryBehaviours.forEach((key, c) -> addEdge(key, c, productionBehaviours.get(key)));
            productionBehaviours.forEach((key, p) -> {
                if (!canaryBehaviours.containsKey(key)) {
                    addEdge(key, null, p);
                }
            });
            GraphDocument canary = comparison.canary().document;
            GraphDocument graph = new GraphDocument(canary.session(), canary.stats(),
                    nodes.values().stream().sorted(GraphOrder.NODES).toList(), edges.stream().sorted(GraphOrder.EDGES).toList(),
                    List.of());
            return new DiffUnion(graph, nodeStatus, edgeStatus, reasons);
        }

        private void addEdge(BehaviourKey key, Behaviour c, Behaviour p) {
            Behaviour shown = c != null ? c : p;
            String source = processIds.get(key.process());
            String target;
            if (key.targetProcess() >= 0) {
                target = processIds.get(key.targetProcess());
            } else {
                target = targetIds.computeIfAbsent(key.target(), k -> addNode(shown.target));
                DiffStatus side = c == null ? DiffStatus.ONLY_PRODUCTION : p == null ? DiffStatus.ONLY_CANARY : DiffStatus.SAME;
                nodeStatus.merge(target, side, (a, b) -> a == b ? a : DiffStatus.SAME);
            }
            Edge edge = new Edge(source, target, key.verb(), shown.count, shown.bytes, shown.failed, shown.first, shown.last,
                    shown.details());
            edges.add(edge);
            List<String> why = c != null && p != null ? comparison.reasons(c, p) : List.of();
            edgeStatus.put(edge.key(), c == null ? DiffStatus.ONLY_PRODUCTION : p == null ? DiffStatus.ONLY_CANARY
                    : why.isEmpty() ? DiffStatus.SAME : DiffStatus.CHANGED);
            if (!why.isEmpty()) {
                reasons.put(edge.key(), String.join("; ", why));
            }
        }

        /** Adds a node under a free id: a file or process of production may share an id with a different canary one. */
        private String addNode(Node node) {
            Node unique = node;
            for (int attempt = 1; nodes.containsKey(unique.id()); attempt++) {
                unique = switch (node) {
                    case FileNode f -> new FileNode(Ids.file(f.paths().getFirst(), attempt), f.path(), f.paths(), f.inode(),
                            f.resolved(), f.replaced());
                    case ProcessNode p -> new ProcessNode(p.pid(), p.startNs() + attempt, p.ppid(), p.exe(), p.argv(), p.cwd(),
                            p.uid(), p.euid(), p.exitCode(), p.exitSignal(), p.followed(), p.started(), p.ended());
                    case RemoteNode r -> r;
                    case ModuleNode m -> m;
                };
                if (unique == node) {
                    return node.id();
                }
            }
            nodes.put(unique.id(), unique);
            return unique.id();
        }
    }
}
