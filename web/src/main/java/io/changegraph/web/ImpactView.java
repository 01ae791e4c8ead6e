package io.changegraph.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileEffect;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.LeftRunning;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Summary;
import io.changegraph.repository.model.SummaryBehaviour;
import io.changegraph.repository.model.Verb;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The viewer's default graph, computed on the server: the impact graph of a session (the processes that did
 * something in its summary or carry an alert, and their ancestors; the files they changed; the remotes and
 * modules they used), with everything else folded into labelled <em>group nodes</em> that the page expands on
 * click by asking again with the group's id in {@code expand}:
 * <ul>
 *   <li>{@code g:files:PROCESS} — the files one shown process touched that are not in the summary, labelled by
 *       noise class, largest first ({@code runtime loading: 1,234 files · failed lookups: 56 files}; files that
 *       fall in no class: {@code read: 12 files} or {@code other files: 3 files});</li>
 *   <li>{@code g:tree:PROCESS} — a package-manager or trigger subtree that did nothing in the summary
 *       ({@code dpkg triggers: man-db, 18,229 files});</li>
 *   <li>{@code g:others:PROCESS} — the other child commands of a shown process that did nothing in the summary
 *       ({@code other commands: mktemp, seq, sleep +3 (6 processes, 190 files)}).</li>
 * </ul>
 * The answer is a {@code changegraph/v1} document of the shown nodes and edges plus group nodes (kind
 * {@code group}) and group edges (target a group, counters summed, {@code files} = how many files they stand
 * for), the session's {@code summary}, {@code where} (each summary evidence id, alert object and group member
 * id → the drawn element that shows it) and {@code view} (counts of what is shown and folded).
 */
final class ImpactView {
    static final int MEMBER_SAMPLE = 200;
    private static final Set<Verb> READS = Set.of(Verb.OPEN, Verb.READ, Verb.EXEC);
    private static final Set<String> PACKAGE_MANAGERS = Set.of("dpkg", "dpkg-deb", "dpkg-split", "dpkg-query",
            "dpkg-trigger", "dpkg-divert", "dpkg-statoverride", "dpkg-maintscript-helper", "apt", "apt-get",
            "apt-cache", "apt-config", "apt-key", "apt-mark", "aptitude", "unattended-upgrade", "rpm", "dnf", "yum",
            "zypper", "pip", "pip3", "snap", "flatpak", "ldconfig", "update-alternatives", "debconf", "mandb",
            "install-info", "update-mime-database", "update-desktop-database", "gtk-update-icon-cache",
            "update-initramfs", "depmod", "systemd-sysusers", "systemd-tmpfiles");
    private static final Map<String, String> CLASS_LABELS = Map.of(
            "runtime_loading", "runtime loading",
            "failed_lookup", "failed lookups",
            "package_bookkeeping", "package bookkeeping",
            "package_subtree", "package manager",
            "transient", "transient files",
            "read", "read",
            "other", "other files");

    private final GraphDocument document;
    private final Summary summary;
    private final Function<Edge, String> noise;
    private final Set<String> expanded;
    private final Map<String, Node> nodes = new HashMap<>();
    private final Map<String, List<Edge>> out = new HashMap<>();
    private final Map<String, List<String>> children = new HashMap<>();
    private final Map<String, String> parent = new HashMap<>();
    private final Set<String> shownIds = new HashSet<>();
    private Map<String, String> folded = Map.of();
    private ObjectNode json;

    private ImpactView(GraphDocument document, Summary summary, Function<Edge, String> noise, Set<String> expanded) {
        this.document = document;
        this.summary = summary;
        this.noise = noise;
        this.expanded = expanded;
        document.nodes().forEach(node -> nodes.put(node.id(), node));
        for (Edge edge : document.edges()) {
            out.computeIfAbsent(edge.source(), k -> new ArrayList<>()).add(edge);
            if (edge.verb() == Verb.SPAWN && !edge.source().equals(edge.target())
                    && nodes.get(edge.target()) instanceof ProcessNode && !parent.containsKey(edge.target())) {
                parent.put(edge.target(), edge.source());
                children.computeIfAbsent(edge.source(), k -> new ArrayList<>()).add(edge.target());
            }
        }
        Comparator<String> byStart = Comparator.comparing((String id) -> String.valueOf(((ProcessNode) nodes.get(id)).started()))
                .thenComparing(id -> id);
        children.values().forEach(list -> list.sort(byStart));
    }

    /**
     * The view of {@code document} with {@code summary}.
     *
     * @param noise    the noise class key ({@code runtime_loading}, ...) of an edge the summary folds, else null
     * @param expanded ids of the group nodes to show opened
     */
    static ImpactView of(GraphDocument document, Summary summary, Function<Edge, String> noise, Set<String> expanded) {
        ImpactView view = new ImpactView(document, summary, noise, expanded);
        view.json = view.build();
        return view;
    }

    /** The view as the API serves it. */
    ObjectNode json() {
        return json;
    }

    /** Where a node is drawn: itself when shown, the id of the group it is folded into, or null (not in the view). */
    String placement(String id) {
        return shownIds.contains(id) ? id : folded.get(id);
    }

    /** One group node being filled. */
    private static final class Group {
        final String id;
        final String kind;
        final String process;
        final Set<String> processes = new LinkedHashSet<>();  // in tree order
        final Set<String> files = new TreeSet<>();
        final Set<String> names = new LinkedHashSet<>();
        final Map<Verb, long[]> counters = new TreeMap<>();
        final Map<String, String> classOf = new HashMap<>();  // file groups: each file's noise class
        String label;

        Group(String id, String kind, String process) {
            this.id = id;
            this.kind = kind;
            this.process = process;
        }

        void add(Edge edge) {
            long[] c = counters.computeIfAbsent(edge.verb(), v -> new long[4]);
            c[0] += edge.count();
            c[1] += edge.bytes();
            c[2] += edge.failed();
            c[3]++;
        }
    }

    private ObjectNode build() {
        Set<String> important = importantProcesses();
        Set<String> shownFiles = importantObjects();
        // walk the tree from the roots: shown processes, and the groups their other children fall in
        Set<String> shown = new LinkedHashSet<>();
        Map<String, Group> groups = new LinkedHashMap<>();
        Map<String, String> where = new HashMap<>();
        Deque<String> todo = new ArrayDeque<>();
        nodes.values().stream().filter(n -> n instanceof ProcessNode && !parent.containsKey(n.id()))
                .map(Node::id).sorted().forEach(todo::add);
        while (!todo.isEmpty()) {
            String id = todo.poll();
            shown.add(id);
            for (String child : children.getOrDefault(id, List.of())) {
                if (important.contains(child)) {
                    todo.add(child);
                    continue;
                }
                String groupId = subtreeKind(child) != null ? "g:tree:" + child : "g:others:" + id;
                if (expanded.contains(groupId)) {
                    todo.add(child);
                    continue;
                }
                Group group = groups.computeIfAbsent(groupId, g -> new Group(g, g.startsWith("g:tree:") ? "tree" : "others", id));
                foldSubtree(child, group, where);
            }
        }
        // objects: shown when important or touched by a shown process and not noise
        List<Edge> shownEdges = new ArrayList<>();
        Map<String, Group> groupEdges = new LinkedHashMap<>();
        Set<String> shownObjects = new TreeSet<>();
        for (String process : shown) {
            for (Edge edge : out.getOrDefault(process, List.of())) {
                Node target = nodes.get(edge.target());
                if (target == null) {
                    continue;
                }
                if (target instanceof ProcessNode) {
                    if (shown.contains(target.id())) {
                        shownEdges.add(edge);
                    } else if (where.containsKey(target.id())) {
                        groupEdge(groupEdges, edge, where.get(target.id()));
                    }
                    continue;
                }
                if (!(target instanceof FileNode) || shownFiles.contains(target.id())) {
                    shownObjects.add(target.id());
                    shownEdges.add(edge);
                    continue;
                }
                String groupId = "g:files:" + process;
                if (expanded.contains(groupId)) {
                    shownObjects.add(target.id());
                    shownEdges.add(edge);
                    continue;
                }
                Group group = groups.computeIfAbsent(groupId, g -> new Group(g, "files", process));
                group.files.add(target.id());
                group.classOf.putIfAbsent(target.id(), fileClass(edge));
                String before = where.get(target.id());
                if (before == null || !before.startsWith("g:files:")) {
                    where.put(target.id(), groupId);  // a shown process's group is nearer than a folded subtree
                }
                groupEdge(groupEdges, edge, groupId);
            }
        }
        // a file shown for one process is not also inside another's group
        for (Group group : groups.values()) {
            if (group.kind.equals("files")) {
                group.files.removeIf(shownObjects::contains);
            }
        }
        shownObjects.forEach(where::remove);
        shown.forEach(where::remove);
        groups.values().removeIf(g -> g.files.isEmpty() && g.processes.isEmpty());
        groups.values().forEach(this::label);
        shownIds.addAll(shown);
        shownIds.addAll(shownObjects);
        folded = where;

        List<Node> viewNodes = new ArrayList<>();
        shown.forEach(id -> viewNodes.add(nodes.get(id)));
        shownObjects.forEach(id -> viewNodes.add(nodes.get(id)));
        ObjectNode tree = Json.graphTree(new GraphDocument(document.session(), document.stats(),
                viewNodes.stream().sorted(Comparator.comparing(Node::id)).toList(), shownEdges.stream().distinct().toList(),
                document.alerts(), summary));
        ArrayNode nodeArray = (ArrayNode) tree.get("nodes");
        for (Group group : groups.values()) {
            ObjectNode node = nodeArray.addObject();
            node.put("id", group.id);
            node.put("kind", "group");
            node.put("group", group.kind);
            node.put("label", group.label);
            node.put("process", group.process);
            node.put("processes", group.processes.size());
            node.put("files", group.files.size());
            ArrayNode members = node.putArray("members");
            memberLabels(group).stream().limit(MEMBER_SAMPLE).forEach(members::add);
        }
        ArrayNode edgeArray = (ArrayNode) tree.get("edges");
        groupEdges.forEach((key, group) -> {
            String[] parts = key.split("\\|", 3);
            Group target = groups.get(parts[2]);
            if (target == null) {
                return;
            }
            long[] c = group.counters.get(Verb.fromWire(parts[1]));
            ObjectNode edge = edgeArray.addObject();
            edge.put("source", parts[0]);
            edge.put("verb", parts[1]);
            edge.put("target", parts[2]);
            edge.put("count", c[0]);
            edge.put("bytes", c[1]);
            edge.put("failed", c[2]);
            edge.put("files", c[3]);
        });
        tree.set("where", Json.MAPPER.valueToTree(whereOfInterest(where, shown, shownObjects)));
        ObjectNode view = tree.putObject("view");
        view.put("mode", "impact");
        view.put("shown_nodes", shown.size() + shownObjects.size());
        view.put("shown_edges", shownEdges.size());
        view.put("groups", groups.size());
        view.put("total_nodes", document.nodes().size());
        view.put("total_edges", document.edges().size());
        view.set("expanded", Json.MAPPER.valueToTree(new TreeSet<>(expanded)));
        return tree;
    }

    /** Sums the edges of one verb from one shown process into one group, keyed {@code source|verb|group}. */
    private static void groupEdge(Map<String, Group> groupEdges, Edge edge, String groupId) {
        String key = edge.source() + "|" + edge.verb().wireName() + "|" + groupId;
        groupEdges.computeIfAbsent(key, k -> new Group(k, "edge", edge.source())).add(edge);
    }

    /** Puts a non-important child's whole subtree into {@code group}. */
    private void foldSubtree(String root, Group group, Map<String, String> where) {
        Deque<String> stack = new ArrayDeque<>(List.of(root));
        group.names.add(commandName(root));
        while (!stack.isEmpty()) {
            String id = stack.pop();
            group.processes.add(id);
            where.putIfAbsent(id, group.id);
            for (Edge edge : out.getOrDefault(id, List.of())) {
                if (nodes.get(edge.target()) instanceof FileNode) {
                    group.files.add(edge.target());
                    where.putIfAbsent(edge.target(), group.id);
                }
            }
            List<String> kids = children.getOrDefault(id, List.of());
            for (int i = kids.size() - 1; i >= 0; i--) {
                stack.push(kids.get(i));
            }
        }
    }

    /** The processes the summary (or an alert) names, with their ancestors up to the root. */
    private Set<String> importantProcesses() {
        Set<String> ids = new HashSet<>();
        for (SummaryBehaviour behaviour : summary.behaviours()) {
            ids.addAll(behaviour.processes());
            behaviour.evidence().forEach(id -> ids.add(id.contains("|") ? id.substring(0, id.indexOf('|')) : id));
        }
        summary.files().forEach(effect -> {
            ids.add(effect.by());
            effect.evidence().forEach(id -> ids.add(id.contains("|") ? id.substring(0, id.indexOf('|')) : id));
        });
        summary.remotes().forEach(remote -> ids.addAll(remote.processes()));
        summary.leftRunning().forEach(left -> ids.add(left.process()));
        for (Alert alert : document.alerts()) {
            ids.add(alert.edgeSource() != null ? alert.edgeSource() : alert.node());
        }
        ids.remove(null);
        Set<String> withAncestors = new HashSet<>();
        for (String id : ids) {
            for (String at = id; at != null && nodes.get(at) instanceof ProcessNode && withAncestors.add(at); at = parent.get(at)) {
                // climb to the root
            }
        }
        return withAncestors;
    }

    /** The files, remotes and modules the summary (or an alert) names. */
    private Set<String> importantObjects() {
        Set<String> ids = new HashSet<>();
        summary.behaviours().forEach(behaviour -> behaviour.evidence().forEach(id -> ids.add(objectOf(id))));
        for (FileEffect effect : summary.files()) {
            effect.evidence().forEach(id -> ids.add(objectOf(id)));
        }
        summary.remotes().forEach(remote -> ids.add(remote.id()));
        for (Alert alert : document.alerts()) {
            ids.add(alert.edgeTarget() != null ? alert.edgeTarget() : alert.node());
        }
        ids.remove(null);
        if (summary.files().stream().anyMatch(effect -> effect.evidence().isEmpty())) {
            Map<String, String> byPath = new HashMap<>();
            nodes.values().forEach(node -> {
                if (node instanceof FileNode file) {
                    file.paths().forEach(path -> byPath.putIfAbsent(path, file.id()));
                    byPath.put(file.path(), file.id());
                }
            });
            summary.files().forEach(effect -> {
                if (byPath.containsKey(effect.path())) {
                    ids.add(byPath.get(effect.path()));
                }
            });
        }
        return ids;
    }

    private static String objectOf(String evidence) {
        int bar = evidence.lastIndexOf('|');
        return bar < 0 ? evidence : evidence.substring(bar + 1);
    }

    /** The group class of a file edge from a shown process that the summary does not name. */
    private String fileClass(Edge edge) {
        String folded = noise.apply(edge);
        if (folded != null) {
            return folded;
        }
        if (edge.failed() > 0 && edge.failed() == edge.count()) {
            return "failed_lookup";
        }
        return READS.contains(edge.verb()) ? "read" : "other";
    }

    /** "trigger" or "package" when the subtree at {@code process} is a package manager's or a trigger's, else null. */
    private String subtreeKind(String process) {
        ProcessNode node = (ProcessNode) nodes.get(process);
        if (triggerName(node) != null) {
            return "trigger";
        }
        if (isPackageManager(node)) {
            return "package";
        }
        String up = parent.get(process);
        return up != null && isPackageManager((ProcessNode) nodes.get(up)) ? "package" : null;
    }

    private static boolean isPackageManager(ProcessNode node) {
        return PACKAGE_MANAGERS.contains(basename(node.exe())) || !node.argv().isEmpty()
                && PACKAGE_MANAGERS.contains(basename(node.argv().get(0)));
    }

    /** The package whose maintainer script runs a trigger ({@code man-db} for {@code man-db.postinst triggered}), else null. */
    private static String triggerName(ProcessNode node) {
        if (!node.argv().contains("triggered")) {
            return null;
        }
        for (String arg : node.argv()) {
            String name = basename(arg);
            if (arg.startsWith("/var/lib/dpkg/info/") && name.contains(".")) {
                return name.substring(0, name.lastIndexOf('.'));
            }
        }
        return basename(node.argv().get(0));
    }

    private void label(Group group) {
        if (group.kind.equals("files")) {
            Map<String, Long> byClass = new TreeMap<>();
            group.files.forEach(file -> byClass.merge(group.classOf.get(file), 1L, Long::sum));
            group.label = String.join(" · ", byClass.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .map(e -> CLASS_LABELS.getOrDefault(e.getKey(), e.getKey().replace('_', ' ')) + ": "
                            + count(e.getValue(), "file"))
                    .toList());
            return;
        }
        String processes = count(group.processes.size(), "process");
        String files = count(group.files.size(), "file");
        if (group.kind.equals("tree")) {
            ProcessNode root = (ProcessNode) nodes.get(group.id.substring("g:tree:".length()));
            String trigger = triggerName(root);
            if (trigger != null) {
                group.label = "dpkg triggers: " + trigger + ", " + triggeredBy(group) + files;
            } else {
                group.label = "package manager: " + String.join(" ", root.argv().stream().limit(2).toList()) + " ("
                        + processes + ", " + files + ")";
            }
            return;
        }
        List<String> names = new ArrayList<>(group.names);
        String shown = String.join(", ", names.subList(0, Math.min(3, names.size())))
                + (names.size() > 3 ? " +" + (names.size() - 3) : "");
        group.label = "other commands: " + shown + " (" + processes + ", " + files + ")";
    }

    /** "mandb, " when the trigger ran other commands than its script. */
    private String triggeredBy(Group group) {
        Set<String> names = new TreeSet<>();
        group.processes.forEach(id -> names.add(commandName(id)));
        names.removeIf(name -> name.equals("sh") || name.equals("bash") || name.endsWith(".postinst"));
        return names.isEmpty() ? "" : String.join(", ", names) + ", ";
    }

    private List<String> memberLabels(Group group) {
        List<String> labels = new ArrayList<>();
        group.processes.forEach(id -> labels.add(String.join(" ", ((ProcessNode) nodes.get(id)).argv())));
        group.files.stream().map(id -> ((FileNode) nodes.get(id)).path()).sorted().forEach(labels::add);
        return labels;
    }

    private String commandName(String process) {
        ProcessNode node = (ProcessNode) nodes.get(process);
        String exe = node.argv().isEmpty() ? node.exe() : node.argv().get(0);
        return basename(exe);
    }

    /**
     * Where each id of interest is drawn: the summary's evidence, its processes and remotes, and alert objects.
     * Shown ids map to themselves, folded ones to their group; edge keys to themselves when both ends are shown.
     */
    private Map<String, String> whereOfInterest(Map<String, String> folded, Set<String> shown, Set<String> shownObjects) {
        Map<String, String> result = new TreeMap<>();
        List<String> ids = new ArrayList<>();
        for (Alert alert : document.alerts()) {
            ids.add(alert.edgeSource() != null ? alert.edgeSource() + "|" + alert.edgeVerb().wireName() + "|"
                    + alert.edgeTarget() : alert.node());
        }
        summary.behaviours().forEach(b -> {
            ids.addAll(b.evidence());
            ids.addAll(b.processes());
        });
        summary.files().forEach(f -> {
            ids.addAll(f.evidence());
            ids.add(f.by());
        });
        summary.remotes().forEach(r -> ids.add(r.id()));
        summary.leftRunning().stream().map(LeftRunning::process).forEach(ids::add);
        for (String id : ids) {
            if (id == null) {
                continue;
            }
            if (!id.contains("|")) {
                if (shown.contains(id) || shownObjects.contains(id)) {
                    result.put(id, id);
                } else if (folded.containsKey(id)) {
                    result.put(id, folded.get(id));
                }
                continue;
            }
            String[] parts = id.split("\\|", 3);
            boolean sourceShown = shown.contains(parts[0]);
            boolean targetShown = shown.contains(parts[2]) || shownObjects.contains(parts[2]);
            if (sourceShown && targetShown) {
                result.put(id, id);
            } else if (!sourceShown && folded.containsKey(parts[0])) {
                result.put(id, folded.get(parts[0]));
            } else if (folded.containsKey(parts[2])) {
                result.put(id, folded.get(parts[2]));
            }
        }
        return result;
    }

    static String count(long n, String noun) {
        String number = String.format(Locale.ROOT, "%,d", n);
        String plural = noun.endsWith("s") ? noun + "es" : noun + "s";
        return number + " " + (n == 1 ? noun : plural);
    }

    private static String basename(String path) {
        int slash = path.lastIndexOf('/');
        return slash >= 0 ? path.substring(slash + 1) : path;
    }
}
