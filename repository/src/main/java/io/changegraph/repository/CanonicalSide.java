package io.changegraph.repository;

import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One graph of a diff, seen through canonical identity: processes by label (normalised exe + argv) and
 * place in the spawn tree, files by normalised path history, remotes by endpoint per {@link RemoteMatch}.
 * Computes, per process, a behaviour signature over its subtree (what it did, not how often or whether it
 * failed), used only to pair identically labelled siblings of the two runs.
 */
final class CanonicalSide {
    private static final int DISPLAY_LIMIT = 80;

    final GraphDocument document;
    final Map<String, Node> nodes = new HashMap<>();
    final Map<String, List<Edge>> comparedEdgesFrom = new HashMap<>();
    final Map<String, List<String>> children = new HashMap<>();
    final List<String> roots = new ArrayList<>();
    final Map<String, String> label = new HashMap<>();
    final Map<String, Long> signature = new HashMap<>();
    final String rootCwd;
    private final Normalizer normalizer;
    private final DiffOptions options;
    private final Map<String, String> targetKeys = new HashMap<>();
    private final List<PathMatcher> ignored = new ArrayList<>();

    CanonicalSide(GraphDocument document, DiffOptions options) {
        this.document = document;
        this.options = options;
        this.normalizer = options.normalization().forSession(document.session());
        for (String glob : options.ignorePaths()) {
            ignored.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }
        for (Node node : document.nodes()) {
            nodes.put(node.id(), node);
        }
        Map<String, String> parent = new HashMap<>();
        for (Edge edge : document.edges()) {
            if (edge.verb() == Verb.SPAWN && nodes.get(edge.target()) instanceof ProcessNode
                    && nodes.get(edge.source()) instanceof ProcessNode) {
                parent.merge(edge.target(), edge.source(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
            }
            if (isCompared(edge)) {
                comparedEdgesFrom.computeIfAbsent(edge.source(), id -> new ArrayList<>()).add(edge);
            }
        }
        parent.forEach((kid, source) -> children.computeIfAbsent(source, id -> new ArrayList<>()).add(kid));
        ProcessNode rootProcess = null;
        for (Node node : document.nodes()) {
            if (node instanceof ProcessNode process) {
                label.put(process.id(), normalizer.apply(process.exe()) + "\0" + String.join("\0", normalizer.apply(process.argv())));
                if (!parent.containsKey(process.id())) {
                    roots.add(process.id());
                    if (rootProcess == null || process.pid() == document.session().rootPid()) {
                        rootProcess = process;
                    }
                }
            }
        }
        rootCwd = rootProcess == null || rootProcess.cwd().isEmpty() ? null : normalizer.apply(rootProcess.cwd());
        computeSignatures();
    }

    /** Whether an edge takes part in the comparison: its verb and its target's paths are not ignored. */
    private boolean isCompared(Edge edge) {
        if (options.ignoreVerbs().contains(edge.verb())) {
            return false;
        }
        if (ignored.isEmpty() || !(nodes.get(edge.target()) instanceof FileNode file)) {
            return true;
        }
        for (String path : file.paths()) {
            String normal = normalizer.apply(path);
            for (PathMatcher matcher : ignored) {
                try {
                    if (matcher.matches(Path.of(normal))) {
                        return false;
                    }
                } catch (InvalidPathException e) {
                    return true;
                }
            }
        }
        return true;
    }

    /** The canonical name of a non-process node: normalised path history, endpoint or module name. */
    String targetKey(String nodeId) {
        return targetKeys.computeIfAbsent(nodeId, id -> switch (nodes.get(id)) {
            case FileNode file -> file.paths().stream().map(normalizer::apply).distinct().collect(Collectors.joining(" -> "));
            case RemoteNode remote -> remoteKey(remote);
            case ModuleNode module -> "module " + module.name();
            case ProcessNode process -> "process " + display(process.id());
            case null -> "unknown " + id;
        });
    }

    private String remoteKey(RemoteNode remote) {
        String address = remote.family().equals("unix") ? normalizer.apply(remote.address()) : remote.address();
        if (remote.family().equals("unix")) {
            return "unix " + address;
        }
        String host = remote.family().equals("ipv6") ? "[" + address + "]" : address;
        return switch (options.remoteMatch()) {
            case FULL -> remote.family() + " " + host + ":" + remote.port();
            case PORT -> remote.family() + " *:" + remote.port();
            case HOST -> remote.family() + " " + host + ":*";
        };
    }

    /** A process as a reader knows it: its normalised command line, shortened. */
    String display(String processId) {
        String[] parts = label.get(processId).split("\0", -1);
        String text = parts.length > 1 && !parts[1].isEmpty()
                ? String.join(" ", Arrays.copyOfRange(parts, 1, parts.length))
                : parts[0];
        return text.length() <= DISPLAY_LIMIT ? text : text.substring(0, DISPLAY_LIMIT - 3) + "...";
    }

    String normalize(String text) {
        return normalizer.apply(text);
    }

    private void visitFrom(List<String> starts, List<String> order, Set<String> visited) {
        Deque<String> stack = new ArrayDeque<>(starts);
        while (!stack.isEmpty()) {
            String id = stack.pop();
            if (visited.add(id)) {
                order.add(id);
                children.getOrDefault(id, List.of()).forEach(stack::push);
            }
        }
    }

    /**
     * Subtree signatures, children before parents, without recursion (spawn chains can be deep). Processes
     * not reachable from a root (only a hand-made spawn cycle does that) become roots themselves.
     */
    private void computeSignatures() {
        List<String> order = new ArrayList<>(label.size());
        Set<String> visited = new HashSet<>();
        visitFrom(roots, order, visited);
        if (order.size() < label.size()) {
            for (String id : label.keySet().stream().sorted().toList()) {
                if (!visited.contains(id)) {
                    roots.add(id);
                    visitFrom(List.of(id), order, visited);
                }
            }
        }
        for (int i = order.size() - 1; i >= 0; i--) {
            String id = order.get(i);
            long sum = 0;
            for (Edge edge : comparedEdgesFrom.getOrDefault(id, List.of())) {
                String target = nodes.get(edge.target()) instanceof ProcessNode ? label.get(edge.target()) : targetKey(edge.target());
                sum += Hashing.mix(Hashing.of(edge.verb().wireName()) * 31 + Hashing.of(target));
            }
            for (String child : children.getOrDefault(id, List.of())) {
                sum += Hashing.mix(Hashing.of(label.get(child)) * 31 + signature.getOrDefault(child, 0L));
            }
            signature.put(id, Hashing.mix(sum));
        }
    }
}
