package io.changegraph.repository.formats;

import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Benchmark input (bench/big-inputs.sh): a big graph made of COPIES copies of a real recording, each copy with its
 * own pids, paths, remote addresses and module names, so nodes and edges do not merge.
 * Usage: BigGraphs SOURCE.json COPIES OUT.json
 */
final class BigGraphs {
    private BigGraphs() {
    }

    public static void main(String[] args) {
        GraphDocument source = GraphJson.read(Path.of(args[0]));
        int copies = Integer.parseInt(args[1]);
        List<Node> nodes = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        for (int k = 0; k < copies; k++) {
            Map<String, String> ids = new HashMap<>();
            for (Node node : source.nodes()) {
                Node copy = copy(node, k);
                ids.put(node.id(), copy.id());
                nodes.add(copy);
            }
            for (Edge e : source.edges()) {
                edges.add(new Edge(ids.get(e.source()), ids.get(e.target()), e.verb(), e.count(), e.bytes(), e.failed(),
                        e.first(), e.last(), e.details()));
            }
        }
        nodes.sort(java.util.Comparator.comparing(Node::id));
        edges.sort(java.util.Comparator.comparing(Edge::source).thenComparing(Edge::target)
                .thenComparing(e -> e.verb().wireName()));
        GraphJson.write(new GraphDocument(source.session(), source.stats(), nodes, edges, source.alerts()), Path.of(args[2]));
        System.out.printf("%s: %d nodes, %d edges%n", args[2], nodes.size(), edges.size());
    }

    private static Node copy(Node node, int k) {
        if (k == 0) {
            return node;
        }
        return switch (node) {
            case ProcessNode p -> new ProcessNode(p.pid() + k * 4_000_000, p.startNs(), p.ppid() + k * 4_000_000, p.exe(),
                    p.argv(), p.cwd(), p.uid(), p.euid(), p.exitCode(), p.exitSignal(), p.followed(), p.started(), p.ended());
            case FileNode f -> new FileNode(f.id() + "-" + k, "/copy" + k + f.path(),
                    f.paths().stream().map(path -> "/copy" + k + path).toList(), f.inode(), f.resolved(), f.replaced());
            case RemoteNode r -> new RemoteNode(r.family(), r.address() + "%" + k, r.port());
            case ModuleNode m -> new ModuleNode(m.name() + k, m.path());
        };
    }
}
