package io.changegraph.impact;

import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import java.util.AbstractList;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;

/**
 * A recorded graph indexed for reading its impact: nodes by id, edges by source and by target, the process
 * tree (parent from the spawn edges). Built once per summary, shared by the net effects and the recognisers.
 *
 * <p>Internally every node has a dense index (its position in the document) and the edges by source and by
 * target are two compressed arrays of edge positions (one pass over the edges, no list per node), so the
 * per-edge work of a summary is array reads, not map lookups.
 */
final class SessionGraph {
    private final GraphDocument document;
    private final List<Node> nodeList;
    private final List<Edge> edgeList;
    private final Map<String, Integer> index;
    private final int[] sourceOf;     // per edge: index of its source node, or -1 when the node is unknown
    private final int[] targetOf;     // per edge: index of its target node, or -1
    private final int[] fromStart;    // per node n: edges from n are fromEdges[fromStart[n] .. fromStart[n + 1])
    private final int[] fromEdges;
    private final int[] toStart;
    private final int[] toEdges;
    private final Map<String, List<Edge>> strayFrom = new HashMap<>();   // edges of ids that are not nodes
    private final Map<String, List<Edge>> strayTo = new HashMap<>();
    private final Map<String, String> parent = new HashMap<>();
    private final Map<String, List<String>> children = new HashMap<>();
    private final List<ProcessNode> processes;
    private final String[] commands;
    private final boolean uniqueIds;

    SessionGraph(GraphDocument document) {
        this.document = document;
        nodeList = document.nodes();
        edgeList = document.edges();
        int n = nodeList.size();
        int m = edgeList.size();
        index = new HashMap<>(n * 4 / 3 + 16);
        List<ProcessNode> procs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Node node = nodeList.get(i);
            index.put(node.id(), i);   // a repeated id: the last node wins, as in a map of the nodes
            if (node instanceof ProcessNode p) {
                procs.add(p);
            }
        }
        uniqueIds = index.size() == n;
        processes = Collections.unmodifiableList(procs);
        commands = new String[n];
        sourceOf = new int[m];
        targetOf = new int[m];
        int[] fromCount = new int[n + 1];
        int[] toCount = new int[n + 1];
        String lastSource = null;
        int lastSourceIndex = -1;
        for (int e = 0; e < m; e++) {
            Edge edge = edgeList.get(e);
            String source = edge.source();
            int s;
            if (source == lastSource) {   // a process's edges mostly come together
                s = lastSourceIndex;
            } else {
                s = indexOf(source);
                lastSource = source;
                lastSourceIndex = s;
            }
            int t = indexOf(edge.target());
            sourceOf[e] = s;
            targetOf[e] = t;
            if (s >= 0) {
                fromCount[s + 1]++;
            } else {
                strayFrom.computeIfAbsent(source, k -> new ArrayList<>()).add(edge);
            }
            if (t >= 0) {
                toCount[t + 1]++;
            } else {
                strayTo.computeIfAbsent(edge.target(), k -> new ArrayList<>()).add(edge);
            }
            if (edge.verb() == Verb.SPAWN && !source.equals(edge.target()) && !parent.containsKey(edge.target())) {
                parent.put(edge.target(), source);
                children.computeIfAbsent(source, k -> new ArrayList<>()).add(edge.target());
            }
        }
        for (int i = 0; i < n; i++) {
            fromCount[i + 1] += fromCount[i];
            toCount[i + 1] += toCount[i];
        }
        fromStart = fromCount;
        toStart = toCount;
        fromEdges = new int[fromStart[n]];
        toEdges = new int[toStart[n]];
        int[] fromFill = Arrays.copyOf(fromStart, n);
        int[] toFill = Arrays.copyOf(toStart, n);
        for (int e = 0; e < m; e++) {   // in document order within each node
            if (sourceOf[e] >= 0) {
                fromEdges[fromFill[sourceOf[e]]++] = e;
            }
            if (targetOf[e] >= 0) {
                toEdges[toFill[targetOf[e]]++] = e;
            }
        }
    }

    public GraphDocument document() {
        return document;
    }

    /** The dense index of the node with this id, or -1. */
    int indexOf(String id) {
        Integer i = index.get(id);
        return i == null ? -1 : i;
    }

    /** The node at a dense index. */
    Node nodeAt(int nodeIndex) {
        return nodeList.get(nodeIndex);
    }

    /** How many edges the document has (edge indexes are positions in {@code document().edges()}). */
    int edgeCount() {
        return edgeList.size();
    }

    /** The dense index of an edge's target (by the edge's position in the document), or -1 when unknown. */
    int targetIndex(int edgeIndex) {
        return targetOf[edgeIndex];
    }

    /** The dense index of an edge's source, or -1 when unknown. */
    int sourceIndex(int edgeIndex) {
        return sourceOf[edgeIndex];
    }

    /** The node with this id, or null. */
    public Node node(String id) {
        int i = indexOf(id);
        return i < 0 ? null : nodeList.get(i);
    }

    /** The process with this id, or null when there is none (or the id is another kind of node). */
    public ProcessNode process(String id) {
        return node(id) instanceof ProcessNode p ? p : null;
    }

    /** The file with this id, or null. */
    public FileNode file(String id) {
        return node(id) instanceof FileNode f ? f : null;
    }

    public List<ProcessNode> processes() {
        return processes;
    }

    /** Edges whose source is this node, in the document's order. */
    public List<Edge> edgesFrom(String id) {
        int i = indexOf(id);
        return i < 0 ? Collections.unmodifiableList(strayFrom.getOrDefault(id, List.of()))
                : new Slice(fromEdges, fromStart[i], fromStart[i + 1]);
    }

    /** Edges whose target is this node, in the document's order. */
    public List<Edge> edgesTo(String id) {
        int i = indexOf(id);
        return i < 0 ? Collections.unmodifiableList(strayTo.getOrDefault(id, List.of())) : edgesToIndex(i);
    }

    /** Edges whose target is the node at this position of the document's nodes (as {@link #edgesTo} its id). */
    List<Edge> edgesToAt(int position) {
        return uniqueIds ? edgesToIndex(position) : edgesTo(nodeList.get(position).id());
    }

    /** Edges whose target is the node at this dense index, in the document's order. */
    private List<Edge> edgesToIndex(int nodeIndex) {
        return new Slice(toEdges, toStart[nodeIndex], toStart[nodeIndex + 1]);
    }

    /** The process that spawned this one, or null for the root (or a process seen without its spawn). */
    public String parent(String processId) {
        return parent.get(processId);
    }

    public List<String> children(String processId) {
        return Collections.unmodifiableList(children.getOrDefault(processId, List.of()));
    }

    /** This process and all its descendants. */
    public Set<String> subtree(String processId) {
        Set<String> seen = new LinkedHashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>(List.of(processId));
        while (!todo.isEmpty()) {
            String id = todo.pop();
            if (seen.add(id)) {
                todo.addAll(children(id));
            }
        }
        return seen;
    }

    /** This process's ancestors, nearest first. */
    public List<String> ancestors(String processId) {
        List<String> chain = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>(Set.of(processId));
        for (String p = parent(processId); p != null && seen.add(p); p = parent(p)) {
            chain.add(p);
        }
        return chain;
    }

    /** The process's argv joined by spaces (its exe when argv is empty), or "" for an unknown id. */
    public String command(String processId) {
        int i = indexOf(processId);
        if (i < 0 || !(nodeList.get(i) instanceof ProcessNode p)) {
            return "";
        }
        String command = commands[i];
        if (command == null) {
            command = p.argv().isEmpty() ? p.exe() : String.join(" ", p.argv());
            commands[i] = command;
        }
        return command;
    }

    /** A read-only view of some of the document's edges, by their positions. */
    private final class Slice extends AbstractList<Edge> implements RandomAccess {
        private final int[] positions;
        private final int from;
        private final int to;

        Slice(int[] positions, int from, int to) {
            this.positions = positions;
            this.from = from;
            this.to = to;
        }

        @Override
        public Edge get(int i) {
            if (i < 0 || i >= to - from) {
                throw new IndexOutOfBoundsException(i);
            }
            return edgeList.get(positions[from + i]);
        }

        @Override
        public int size() {
            return to - from;
        }
    }
}
