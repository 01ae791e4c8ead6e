package io.changegraph.impact;

import io.changegraph.repository.Edge;
import io.changegraph.repository.FileNode;
import io.changegraph.repository.GraphDocument;
import io.changegraph.repository.Node;
import io.changegraph.repository.ProcessNode;
import io.changegraph.repository.Verb;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A recorded graph indexed for reading its impact: nodes by id, edges by source and by target, the process
 * tree (parent from the spawn edges). Built once per summary, shared by the net effects and the recognisers.
 */
final class SessionGraph {
    private final GraphDocument document;
    private final Map<String, Node> nodes;
    private final Map<String, List<Edge>> bySource;
    private final Map<String, List<Edge>> byTarget;
    private final Map<String, String> parent = new HashMap<>();
    private final Map<String, List<String>> children = new HashMap<>();

    SessionGraph(GraphDocument document) {
        this.document = document;
        int capacity = document.nodes().size() * 4 / 3 + 16;
        nodes = new HashMap<>(capacity);
        bySource = new HashMap<>(capacity);
        byTarget = new HashMap<>(capacity);
        for (Node node : document.nodes()) {
            nodes.put(node.id(), node);
        }
        for (Edge edge : document.edges()) {
            bySource.computeIfAbsent(edge.source(), k -> new ArrayList<>()).add(edge);
            byTarget.computeIfAbsent(edge.target(), k -> new ArrayList<>()).add(edge);
            if (edge.verb() == Verb.SPAWN && !edge.source().equals(edge.target()) && !parent.containsKey(edge.target())) {
                parent.put(edge.target(), edge.source());
                children.computeIfAbsent(edge.source(), k -> new ArrayList<>()).add(edge.target());
            }
        }
    }

    public GraphDocument document() {
        return document;
    }

    /** The node with this id, or null. */
    public Node node(String id) {
        return nodes.get(id);
    }

    /** The process with this id, or null when there is none (or the id is another kind of node). */
    public ProcessNode process(String id) {
        return nodes.get(id) instanceof ProcessNode p ? p : null;
    }

    /** The file with this id, or null. */
    public FileNode file(String id) {
        return nodes.get(id) instanceof FileNode f ? f : null;
    }

    public List<ProcessNode> processes() {
        return document.nodes().stream().filter(ProcessNode.class::isInstance).map(ProcessNode.class::cast).toList();
    }

    /** Edges whose source is this node, in the document's order. */
    public List<Edge> edgesFrom(String id) {
        return Collections.unmodifiableList(bySource.getOrDefault(id, List.of()));
    }

    /** Edges whose target is this node, in the document's order. */
    public List<Edge> edgesTo(String id) {
        return Collections.unmodifiableList(byTarget.getOrDefault(id, List.of()));
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
        ProcessNode p = process(processId);
        if (p == null) {
            return "";
        }
        return p.argv().isEmpty() ? p.exe() : String.join(" ", p.argv());
    }
}
