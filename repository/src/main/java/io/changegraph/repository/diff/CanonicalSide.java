package io.changegraph.repository.diff;

import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Verb;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

/**
 * One graph of a diff, seen through canonical identity: processes by label (normalised exe + argv) and
 * place in the spawn tree, files by normalised path history, remotes by endpoint per {@link RemoteMatch}.
 * Computes, per process, a behaviour signature over its subtree (what it did, not how often or whether it
 * failed), used only to pair identically labelled siblings of the two runs.
 *
 * <p>Nodes are numbered by their position in the document; everything per node is an array indexed by that
 * number, and edges and children are stored as compressed adjacency lists, so a million edges cost a few
 * array reads each rather than hash lookups.
 */
final class CanonicalSide {
    static final int DISPLAY_LIMIT = 80;

    final GraphDocument document;
    final Node[] nodes;
    /** Compared edges, grouped by source: those of node {@code n} are {@code edges[edgeStart[n] .. edgeStart[n+1])}. */
    final Edge[] edges;
    final int[] edgeTarget;
    final int[] edgeStart;
    /** Spawn children, grouped by parent like the edges. */
    final int[] childList;
    final int[] childStart;
    final int[] roots;
    /** Normalised exe and argv, NUL-separated; null for nodes that are not processes. */
    final String[] label;
    final long[] signature;
    final String rootCwd;
    /** The session's root process (see {@link RootArguments#rootProcess}), -1 when it was not recorded. */
    final int rootProcess;
    private final Normalizer normalizer;
    /** Without root-argument placeholders, for summary facts; made on first need. */
    private Normalizer factNormalizer;
    private final DiffOptions options;
    private final String[] targetKeys;
    /** Remotes some process connected to or bound: their port is chosen, not ephemeral. */
    private final boolean[] dialled;
    private final List<PathMatcher> ignored = new ArrayList<>();
    /** Spawn parent per node, -1 for roots and non-processes. */
    private final int[] parent;
    /** Every pid of the recording, when pids are normalised (else empty). */
    private final BitSet pids = new BitSet();
    /** Sources of the compared edges, grouped by target; built on first need. */
    private int[] sourceStart;
    private int[] sourceList;

    CanonicalSide(GraphDocument document, DiffOptions options) {
        this(document, options, Map.of());
    }

    /** @param parameters this side's root-argument values and their placeholders (see {@link RootArguments}) */
    CanonicalSide(GraphDocument document, DiffOptions options, Map<String, String> parameters) {
        this.document = document;
        this.options = options;
        this.normalizer = options.normalization().forSession(document.session(), parameters);
        for (String glob : options.ignorePaths()) {
            ignored.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }
        int size = document.nodes().size();
        nodes = document.nodes().toArray(Node[]::new);
        Map<String, Integer> index = HashMap.newHashMap(size);
        for (int n = 0; n < size; n++) {
            index.put(nodes[n].id(), n);
        }
        targetKeys = new String[size];
        label = new String[size];
        signature = new long[size];

        List<Edge> all = document.edges();
        int[] source = new int[all.size()];
        int[] target = new int[all.size()];
        boolean[] compared = new boolean[all.size()];
        dialled = new boolean[size];
        parent = new int[size];
        Arrays.fill(parent, -1);
        int[] edgeCount = new int[size + 1];
        int[] childCount = new int[size + 1];
        for (int e = 0; e < all.size(); e++) {
            Edge edge = all.get(e);
            source[e] = index.getOrDefault(edge.source(), -1);
            target[e] = index.getOrDefault(edge.target(), -1);
            if (source[e] < 0 || target[e] < 0) {
                continue;
            }
            if (edge.verb() == Verb.SPAWN && nodes[source[e]] instanceof ProcessNode && nodes[target[e]] instanceof ProcessNode
                    && (parent[target[e]] < 0 || nodes[source[e]].id().compareTo(nodes[parent[target[e]]].id()) < 0)) {
                parent[target[e]] = source[e];
            }
            if (edge.verb() == Verb.CONNECT || edge.verb() == Verb.BIND) {
                dialled[target[e]] = true;
            }
            compared[e] = isCompared(edge, nodes[target[e]]);
            if (compared[e]) {
                edgeCount[source[e]]++;
            }
        }
        for (int n = 0; n < size; n++) {
            if (parent[n] >= 0) {
                childCount[parent[n]]++;
            }
        }
        edgeStart = offsets(edgeCount);
        childStart = offsets(childCount);
        edges = new Edge[edgeStart[size]];
        edgeTarget = new int[edgeStart[size]];
        int[] fill = Arrays.copyOf(edgeStart, size);
        for (int e = 0; e < all.size(); e++) {
            if (compared[e]) {
                int slot = fill[source[e]]++;
                edges[slot] = all.get(e);
                edgeTarget[slot] = target[e];
            }
        }
        childList = new int[childStart[size]];
        int[] childFill = Arrays.copyOf(childStart, size);
        List<Integer> rootList = new ArrayList<>();
        ProcessNode rootProcess = null;
        for (int n = 0; n < size; n++) {
            if (nodes[n] instanceof ProcessNode process && options.normalization().sessionPids()) {
                if (process.pid() > 0) {
                    pids.set(process.pid());
                }
            }
        }
        for (int n = 0; n < size; n++) {
            if (nodes[n] instanceof ProcessNode process) {
                StringBuilder text = new StringBuilder(withPids(normalizer.apply(process.exe()), n));
                for (String word : process.argv()) {
                    text.append('\0').append(withPids(normalizer.apply(word), n));
                }
                label[n] = text.toString();
                if (parent[n] >= 0) {
                    childList[childFill[parent[n]]++] = n;
                } else {
                    rootList.add(n);
                    if (rootProcess == null || process.pid() == document.session().rootPid()) {
                        rootProcess = process;
                    }
                }
            }
        }
        rootCwd = rootProcess == null || rootProcess.cwd().isEmpty() ? null : normalizer.apply(rootProcess.cwd());
        ProcessNode sessionRoot = RootArguments.rootProcess(document);
        this.rootProcess = sessionRoot == null ? -1 : index.get(sessionRoot.id());
        roots = computeSignatures(rootList);
    }

    private static int[] offsets(int[] counts) {
        int[] start = new int[counts.length];
        for (int n = 1; n < counts.length; n++) {
            start[n] = start[n - 1] + counts[n - 1];
        }
        return start;
    }

    /**
     * Whether an edge takes part in the comparison: its verb is not ignored, and no path its target had
     * matches an ignored glob, as recorded or normalised ({@code /home/*}{@code /.cache/**} or {@code ~/.cache/**}).
     */
    private boolean isCompared(Edge edge, Node target) {
        if (options.ignoreVerbs().contains(edge.verb())) {
            return false;
        }
        if (ignored.isEmpty() || !(target instanceof FileNode file)) {
            return true;
        }
        for (String path : file.paths()) {
            if (ignoredPath(path) || ignoredPath(normalizer.applyOnce(path))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code --ignore-path} leaves out a path of a summary fact, as recorded or normalised. */
    boolean ignoresFact(String path) {
        return !ignored.isEmpty() && path != null && (ignoredPath(path) || ignoredPath(normalizer.applyOnce(path)));
    }

    private boolean ignoredPath(String path) {
        try {
            Path asPath = Path.of(path);
            return ignored.stream().anyMatch(matcher -> matcher.matches(asPath));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    boolean isProcess(int node) {
        return label[node] != null;
    }

    /** The canonical name of a non-process node: normalised path history, endpoint or module name. */
    String targetKey(int node) {
        String key = targetKeys[node];
        if (key == null) {
            key = switch (nodes[node]) {
                case FileNode file -> withPidsOfTarget(file.paths().size() == 1 ? normalizer.applyOnce(file.path())
                        : file.paths().stream().map(normalizer::applyOnce).distinct().collect(Collectors.joining(" -> ")), node);
                case RemoteNode remote -> remote.family().equals("unix") ? withPidsOfTarget(remoteKey(remote, node), node)
                        : remoteKey(remote, node);
                case ModuleNode module -> "module " + module.name();
                case ProcessNode process -> "process " + display(node);
            };
            targetKeys[node] = key;
        }
        return key;
    }

    /**
     * {@code family address:port} as {@link RemoteMatch} asks; an ephemeral port of a peer no process dialled
     * (see {@link Normalization#ephemeralPorts()}) reads {@code <ephemeral>}, root-argument values their placeholder.
     */
    private String remoteKey(RemoteNode remote, int node) {
        if (remote.family().equals("unix")) {
            return "unix " + normalizer.apply(remote.address());
        }
        String host = remote.family().equals("ipv6") ? "[" + remote.address() + "]" : remote.address();
        String port = options.normalization().ephemeralPorts() && remote.port() >= Normalization.EPHEMERAL_FIRST
                && !dialled[node] ? "<ephemeral>" : Integer.toString(remote.port());
        return normalizer.substitute(switch (options.remoteMatch()) {
            case FULL -> remote.family() + " " + host + ":" + port;
            case PORT -> remote.family() + " *:" + port;
            case HOST -> remote.family() + " " + host + ":*";
        });
    }

    /** A process as a reader knows it: its normalised command line (or exe when it has no argv), shortened. */
    String display(int process) {
        return shorten(fullDisplay(process), DISPLAY_LIMIT);
    }

    /** The same, whole. */
    String fullDisplay(int process) {
        String text = label[process];
        int split = text.indexOf('\0');
        String argv = text.substring(split + 1).replace('\0', ' ');
        return argv.isBlank() ? text.substring(0, split) : argv;
    }

    static String shorten(String shown, int limit) {
        return shown.length() <= limit ? shown : shown.substring(0, limit - 3) + "...";
    }

    String normalize(String text) {
        return normalizer.apply(text);
    }

    /** A path that a process of this run deleted: that process's command and the edge's key. */
    record Deletion(String command, String edgeKey) {
    }

    /**
     * A string of this run's summary (a subject, path, detail, command) as compared: normalised without reading
     * root-argument values as placeholders, and any pid of the recording as {@code <pid>}.
     */
    String normalizeFact(String text) {
        if (factNormalizer == null) {
            factNormalizer = options.normalization().forSession(document.session());
        }
        return pids.isEmpty() ? factNormalizer.apply(text) : replacePids(factNormalizer.apply(text), pid -> true);
    }

    /** Which of {@code paths} (as {@link #normalizeFact} gives them) a process of this run unlinked or rmdir'd, successfully. */
    Map<String, Deletion> deletions(java.util.Set<String> paths) {
        Map<String, Deletion> found = new java.util.TreeMap<>();
        if (paths.isEmpty()) {
            return found;
        }
        for (int source = 0; source < nodes.length; source++) {
            for (int e = edgeStart[source]; e < edgeStart[source + 1]; e++) {
                Edge edge = edges[e];
                if ((edge.verb() == Verb.UNLINK || edge.verb() == Verb.RMDIR) && edge.count() > edge.failed()
                        && nodes[edgeTarget[e]] instanceof FileNode file && isProcess(source)) {
                    for (String path : file.paths()) {
                        String normal = normalizeFact(path);
                        if (paths.contains(normal)) {
                            found.putIfAbsent(normal, new Deletion(normalizeFact(command(source)), edge.key()));
                        }
                    }
                }
            }
        }
        return found;
    }

    /** A process's argv as recorded, joined (its exe when it has none). */
    private String command(int process) {
        ProcessNode node = (ProcessNode) nodes[process];
        return node.argv().isEmpty() ? node.exe() : String.join(" ", node.argv());
    }

    /** An edge's detail as compared: normalised, and pids of the acting process or its ancestors as {@code <pid>}. */
    String normalizeDetail(String detail, int process) {
        return withPids(normalizer.apply(detail), process);
    }

    /** Numbers that are the pid of {@code process} or of one of its ancestors, as {@code <pid>}. */
    String withPids(String text, int process) {
        return pids.isEmpty() ? text : replacePids(text, pid -> inChain(process, pid));
    }

    /** Numbers that are the pid of a process with an edge to {@code target}, or of one of its ancestors, as {@code <pid>}. */
    private String withPidsOfTarget(String text, int target) {
        if (pids.isEmpty()) {
            return text;
        }
        if (sourceStart == null) {
            indexSources();
        }
        return replacePids(text, pid -> {
            for (int s = sourceStart[target]; s < sourceStart[target + 1]; s++) {
                if (inChain(sourceList[s], pid)) {
                    return true;
                }
            }
            return false;
        });
    }

    /**
     * Replaces the numbers (3 to 7 digits, not inside a longer word) that are pids and {@code related}; a string that
     * is only a number ({@code sleep 3600}, {@code --port 4096}, {@code kill 4481}) is more often a count or a port
     * than a pid and is kept. Scanned by hand: it runs on every path with a digit.
     */
    private String replacePids(String text, IntPredicate related) {
        StringBuilder out = null;
        int copied = 0;
        int length = text.length();
        int i = 0;
        while (i < length) {
            if (!digit(text.charAt(i)) || (i > 0 && Character.isLetterOrDigit(text.charAt(i - 1)))) {
                i++;
                continue;
            }
            int end = i;
            int value = 0;
            while (end < length && digit(text.charAt(end)) && end - i < 8) {
                value = value * 10 + text.charAt(end) - '0';
                end++;
            }
            boolean word = end - i >= 3 && end - i <= 7 && (end == length || !Character.isLetterOrDigit(text.charAt(end)))
                    && !(i == 0 && end == length) && text.charAt(i) != '0';
            if (word && pids.get(value) && related.test(value)) {
                if (out == null) {
                    out = new StringBuilder(length + 8);
                }
                out.append(text, copied, i).append("<pid>");
                copied = end;
            }
            i = end;
            while (i < length && Character.isLetterOrDigit(text.charAt(i))) {
                i++;
            }
        }
        return out == null ? text : out.append(text, copied, length).toString();
    }

    private static boolean digit(char ch) {
        return ch >= '0' && ch <= '9';
    }

    /** Whether {@code pid} is the pid of {@code process} or of one of its spawn ancestors. */
    private boolean inChain(int process, int pid) {
        for (int current = process; current >= 0; current = parent[current]) {
            if (nodes[current] instanceof ProcessNode node && node.pid() == pid) {
                return true;
            }
        }
        return false;
    }

    private void indexSources() {
        int size = nodes.length;
        int[] count = new int[size + 1];
        for (int e = 0; e < edges.length; e++) {
            count[edgeTarget[e]]++;
        }
        sourceStart = offsets(count);
        sourceList = new int[sourceStart[size]];
        int[] fill = Arrays.copyOf(sourceStart, size);
        for (int source = 0; source < size; source++) {
            for (int e = edgeStart[source]; e < edgeStart[source + 1]; e++) {
                sourceList[fill[edgeTarget[e]]++] = source;
            }
        }
    }

    /**
     * Subtree signatures, children before parents, without recursion (spawn chains can be deep). Processes
     * not reachable from a root (only a hand-made spawn cycle does that) become roots themselves.
     */
    private int[] computeSignatures(List<Integer> rootList) {
        int[] order = new int[nodes.length];
        int ordered = 0;
        boolean[] visited = new boolean[nodes.length];
        int[] stack = new int[nodes.length + 1];
        for (int candidate = -1; candidate < nodes.length; candidate++) {
            int top = 0;
            if (candidate < 0) {
                for (int root : rootList) {
                    stack[top++] = root;
                }
            } else if (isProcess(candidate) && !visited[candidate]) {
                rootList.add(candidate);
                stack[top++] = candidate;
            }
            while (top > 0) {
                int node = stack[--top];
                if (!visited[node]) {
                    visited[node] = true;
                    order[ordered++] = node;
                    for (int c = childStart[node]; c < childStart[node + 1]; c++) {
                        stack[top++] = childList[c];
                    }
                }
            }
        }
        for (int i = ordered - 1; i >= 0; i--) {
            int node = order[i];
            long sum = 0;
            for (int e = edgeStart[node]; e < edgeStart[node + 1]; e++) {
                int target = edgeTarget[e];
                String name = isProcess(target) ? label[target] : targetKey(target);
                sum += Hashing.mix(Hashing.of(edges[e].verb()) * 31 + Hashing.of(name));
            }
            for (int c = childStart[node]; c < childStart[node + 1]; c++) {
                int child = childList[c];
                sum += Hashing.mix(Hashing.of(label[child]) * 31 + signature[child]);
            }
            signature[node] = Hashing.mix(sum);
        }
        return rootList.stream().mapToInt(Integer::intValue).toArray();
    }
}
