package io.changegraph.repository.diff;

import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.GraphOrder;
import io.changegraph.repository.model.Ids;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Builds the union graph of a diff: every canonical process, target and behaviour once, ids kept unique. */
final class UnionBuilder {
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
            String change = Stream.of(comparison.argumentChange(canon), comparison.exitChange(canon))
                    .filter(Objects::nonNull).collect(Collectors.joining("; "));
            if (!change.isEmpty()) {
                nodeStatus.put(id, DiffStatus.CHANGED);
                reasons.put(id, change);
            } else {
                nodeStatus.put(id, canaryNode < 0 ? DiffStatus.ONLY_PRODUCTION
                        : productionNode < 0 ? DiffStatus.ONLY_CANARY : DiffStatus.SAME);
            }
        }
        Map<Behaviour.Key, Behaviour> canaryBehaviours = comparison.canaryBehaviours();
        Map<Behaviour.Key, Behaviour> productionBehaviours = comparison.productionBehaviours();
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

    private void addEdge(Behaviour.Key key, Behaviour c, Behaviour p) {
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
