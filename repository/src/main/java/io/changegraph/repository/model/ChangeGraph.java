package io.changegraph.repository.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jgrapht.Graph;
import org.jgrapht.graph.AbstractBaseGraph;
import org.jgrapht.graph.DefaultGraphSpecificsStrategy;
import org.jgrapht.graph.DefaultGraphType;

/**
 * The live change-impact graph of one session: a JGraphT directed pseudograph whose vertices are node
 * ids and whose edges are one counted edge per (source, verb, target). Thread-safe: every method takes
 * the graph's lock, and what it returns is an immutable copy. Events are counted into a map of edges;
 * the JGraphT view gets the new edges (and their end nodes) when a query walks it, not per event: the
 * recorder applies every event, queries are rare.
 *
 * <p>How {@link #apply(Event)} reads an event:
 * <ul>
 *   <li>The subject process is upserted: the latest known attributes win (a non-empty exe, argv, cwd,
 *       a non-null exit status), {@code started} keeps its first value, and a process first seen
 *       unfollowed (as a signal target) becomes followed once it acts as a subject.</li>
 *   <li>{@code spawn}: the object is the child process, upserted the same way; edge parent → child.</li>
 *   <li>{@code exec}: the object is the executable; edge process → file. The subject already carries the
 *       new exe and argv.</li>
 *   <li>{@code exit} (no {@link Verb#makesEdge edge}): updates the subject's exit status only.</li>
 *   <li>{@code signal} ({@link Verb#partialObject}): the object is the target process (possibly unfollowed):
 *       it is added if unknown, never overwritten by the sender's partial view of it; edge sender → target.</li>
 *   <li>File verbs: the path names the file node currently at that path, or a new node with id
 *       {@link Ids#file(String, int)} (generation &gt; 0 when a node with that id already exists, i.e. the
 *       path was renamed away, replaced or deleted before). The latest non-zero inode is kept.</li>
 *   <li>{@code rename} ({@link Verb#movesObject}; object = old path, detail = new path): edge to the node at the old path; if the call
 *       succeeded at least once, that node moves to the new path ({@code path} = new, {@code paths} += new),
 *       and a different node that was at the new path is marked {@code replaced} and is no longer reachable by
 *       that path. So {@code sed -i} reads naturally: the temp file node is renamed over the original.</li>
 *   <li>A successful {@code unlink} or {@code rmdir} ({@link Verb#detachesPath}) detaches the path from its node, so a file created
 *       later under the same path is a new node (next generation).</li>
 *   <li>Remotes and kernel modules: the object is the node itself. A remote gains the names its event's
 *       {@link NetEvidence} brings; a connect edge sums the evidence's TCP counters and keeps the first HTTP
 *       request and TLS server name. Evidence events may have count 0: they annotate, they are no call.</li>
 * </ul>
 * Edge counters add up {@code count}, {@code bytes} and {@code failed}; {@code first}/{@code last} are the
 * earliest/latest event times; {@code details} is the sorted set of distinct non-null event details, capped
 * at {@value CountedEdge#MAX_DETAILS} entries (the smallest ones are kept, so the set does not depend on
 * event order). {@code stats.events} counts applied events (+1 per {@link #apply} call, whatever its
 * {@code count}); {@link #setStats} sets only the loss counters and self-protection steps.
 */
public final class ChangeGraph {
    private final Object lock = new Object();
    // no fast-lookup index: the edges map below already finds an edge by its endpoints and verb
    private final Graph<String, CountedEdge> graph = new AbstractBaseGraph<>(null, null,
            DefaultGraphType.directedPseudograph(), new DefaultGraphSpecificsStrategy<>()) {
    };
    private final Map<String, Node> nodes = new HashMap<>();
    private final Map<CountedEdge.Key, CountedEdge> edges = new HashMap<>();
    private final Map<String, String> fileAtPath = new HashMap<>();
    private final List<CountedEdge> notInGraphYet = new ArrayList<>();
    private final List<Alert> alerts = new ArrayList<>();
    private final Set<AlertKey> annotated = new HashSet<>();
    /** What changed since the last {@link #snapshotWithDelta}: node ids, and edges (flagged, listed once). */
    private final Set<String> changedNodes = new HashSet<>();
    private final List<CountedEdge> changedEdges = new ArrayList<>();
    private long eventsAtLastDelta;
    private Session session;
    private long events;
    private long lostKernel;
    private long droppedUser;
    private List<Degradation> degradations = List.of();

    public ChangeGraph(Session session) {
        this.session = Objects.requireNonNull(session, "session");
    }

    public void apply(Event event) {
        Objects.requireNonNull(event, "event");
        synchronized (lock) {
            events++;
            ProcessNode acting = event.subject();
            String subjectId = acting.id();   // ids are memoised, still not free: asked once per event
            upsertProcess(subjectId, acting.followed() ? acting : acting.withFollowed(true), true);
            Verb verb = event.verb();
            if (!verb.makesEdge()) {
                return;
            }
            String target = switch (event.object()) {
                case ProcessNode process -> {
                    String id = process.id();
                    upsertProcess(id, process, !verb.partialObject());
                    yield id;
                }
                case FileRef file -> fileNode(file).id();
                case RemoteNode remote -> remote(remote, event.net()).id();
                case ModuleNode module -> addIfAbsent(module).id();
            };
            countEdge(subjectId, verb, target, event);
            boolean succeeded = event.failed() < event.count();
            if (succeeded && verb.movesObject() && event.detail() != null) {
                move(target, event.detail());
            } else if (succeeded && verb.detachesPath() && event.object() instanceof FileRef deleted) {
                fileAtPath.remove(deleted.path(), target);
            }
        }
    }

    /** Sets the loss counters and self-protection steps; the event count is kept by {@link #apply} and {@code stats.events()} is ignored here. */
    public void setStats(Stats stats) {
        synchronized (lock) {
            lostKernel = stats.lostKernel();
            droppedUser = stats.droppedUser();
            degradations = stats.degradations();
        }
    }

    /**
     * Annotates the graph with a rule hit. Each rule annotates an edge (or a node) at most once, with its first
     * hit: the same policy live, after a journal replay and offline. Returns false when the rule already
     * annotates that edge.
     */
    public boolean addAlert(Alert alert) {
        Objects.requireNonNull(alert, "alert");
        synchronized (lock) {
            if (!annotated.add(new AlertKey(alert.ruleId(), alert.node(), alert.edgeSource(), alert.edgeVerb(),
                    alert.edgeTarget()))) {
                return false;
            }
            alerts.add(alert);
            return true;
        }
    }

    private record AlertKey(String rule, String node, String source, Verb verb, String target) {
    }

    public void endSession(Instant ended) {
        synchronized (lock) {
            session = session.endedAt(ended);
        }
    }

    /** An immutable, sorted copy of the graph as persisted in {@code changegraph/v1}. */
    public GraphDocument snapshot() {
        Copy copy;
        // only a plain copy under the lock: the recorder's consumer waits on it, sorting can wait
        synchronized (lock) {
            copy = copy();
        }
        return copy.sorted();
    }

    /** The graph's contents copied under the lock, unsorted. */
    private record Copy(Session session, Stats stats, List<Node> nodes, List<Edge> edges, List<Alert> alerts) {
        GraphDocument sorted() {
            nodes.sort(GraphOrder.NODES);
            edges.sort(GraphOrder.EDGES);
            alerts.sort(GraphOrder.ALERTS);
            return new GraphDocument(session, stats, nodes, edges, alerts);
        }
    }

    private Copy copy() {
        return copy(null);
    }

    /** The copy; with {@code changed}, also the changed edges into it (the same Edge objects, no second copy). */
    private Copy copy(List<Edge> changed) {
        List<Edge> edgeCopy = new ArrayList<>(edges.size());
        for (CountedEdge edge : edges.values()) {
            Edge copied = edge.toEdge();
            edgeCopy.add(copied);
            if (changed != null && edge.changed) {
                changed.add(copied);
                edge.changed = false;
            }
        }
        return new Copy(session, new Stats(events, lostKernel, droppedUser, degradations), new ArrayList<>(nodes.values()), edgeCopy,
                new ArrayList<>(alerts));
    }

    /**
     * A snapshot and what changed since the previous call (everything the first time), taken under one lock.
     *
     * @param graph   the whole graph, as {@link #snapshot()}
     * @param changed the nodes and edges added or changed since the previous call (nodes and edges are never
     *                removed) and the ends of those edges, with the current session, stats and every alert
     * @param baseEvents {@code stats.events} of the previous call's graph (0 the first time): a reader holding
     *                   that graph gets this one by applying {@code changed}
     */
    public record Snapshots(GraphDocument graph, GraphDocument changed, long baseEvents) {
    }

    /** {@link Snapshots}: the graph, and its delta from the previous call. */
    public Snapshots snapshotWithDelta() {
        List<Node> changedNodeCopy = new ArrayList<>();
        List<Edge> changedEdgeCopy = new ArrayList<>();
        long base;
        Copy copy;
        synchronized (lock) {
            for (CountedEdge edge : changedEdges) {
                changedNodes.add(edge.source);   // a delta is a graph of its own: edges come with their ends
                changedNodes.add(edge.target);
            }
            copy = copy(changedEdgeCopy);
            for (String id : changedNodes) {
                changedNodeCopy.add(nodes.get(id));
            }
            changedNodes.clear();
            changedEdges.clear();
            base = eventsAtLastDelta;
            eventsAtLastDelta = events;
        }
        GraphDocument whole = copy.sorted();
        changedNodeCopy.sort(GraphOrder.NODES);
        changedEdgeCopy.sort(GraphOrder.EDGES);
        return new Snapshots(whole, new GraphDocument(whole.session(), whole.stats(), changedNodeCopy, changedEdgeCopy,
                whole.alerts()), base);
    }

    public Optional<Node> node(String id) {
        synchronized (lock) {
            return Optional.ofNullable(nodes.get(id));
        }
    }

    public Optional<ProcessNode> process(String id) {
        return node(id).filter(ProcessNode.class::isInstance).map(ProcessNode.class::cast);
    }

    /** The spawn ancestry of a process, parent first, up to the first process of the session; empty when unknown. */
    public List<ProcessNode> ancestors(String processId) {
        synchronized (lock) {
            List<ProcessNode> chain = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            String current = processId;
            syncGraph();
            while (current != null && seen.add(current) && graph.containsVertex(current)) {
                current = parentOf(current);
                if (current != null && nodes.get(current) instanceof ProcessNode parent) {
                    chain.add(parent);
                }
            }
            return List.copyOf(chain);
        }
    }

    /** The edges leaving a node, sorted by (verb, target); empty when the node is unknown. */
    public List<Edge> edgesFrom(String processId) {
        synchronized (lock) {
            syncGraph();
            if (!graph.containsVertex(processId)) {
                return List.of();
            }
            return graph.outgoingEdgesOf(processId).stream().map(CountedEdge::toEdge).sorted(GraphOrder.EDGES).toList();
        }
    }

    private String parentOf(String processId) {
        return graph.incomingEdgesOf(processId).stream()
                .filter(edge -> edge.verb == Verb.SPAWN)
                .map(edge -> edge.source)
                .min(Comparator.naturalOrder())
                .orElse(null);
    }

    private void upsertProcess(String id, ProcessNode incoming, boolean authoritative) {
        Node known = nodes.get(id);
        if (known == incoming) {
            return;   // the consumer hands the same instance until the process changes
        }
        ProcessNode merged;
        if (!(known instanceof ProcessNode existing)) {
            merged = incoming;
        } else if (!authoritative) {
            return;
        } else {
            merged = merge(existing, incoming);
            if (merged.equals(incoming)) {
                merged = incoming;   // keep the consumer's instance, so its next event takes the fast path
            }
        }
        nodes.put(id, merged);
        changedNodes.add(id);
    }

    private static ProcessNode merge(ProcessNode old, ProcessNode latest) {
        return new ProcessNode(latest.pid(), latest.startNs(),
                latest.ppid() != 0 ? latest.ppid() : old.ppid(),
                latest.exe().isEmpty() ? old.exe() : latest.exe(),
                latest.argv().isEmpty() ? old.argv() : latest.argv(),
                latest.cwd().isEmpty() ? old.cwd() : latest.cwd(),
                latest.uid(), latest.euid(),
                latest.exitCode() != null ? latest.exitCode() : old.exitCode(),
                latest.exitSignal() != null ? latest.exitSignal() : old.exitSignal(),
                old.followed() || latest.followed(),
                old.started() != null ? old.started() : latest.started(),
                latest.ended() != null ? latest.ended() : old.ended());
    }

    private Node addIfAbsent(Node node) {
        Node known = nodes.get(node.id());
        if (known != null) {
            return known;
        }
        put(node);
        return node;
    }

    /** The remote's node, with the names the event's evidence brings (and those the remote itself carries). */
    private Node remote(RemoteNode remote, NetEvidence net) {
        Node known = addIfAbsent(remote);
        List<String> names = net == null ? remote.names() : NetEvidence.union(remote.names(), net.names());
        if (!names.isEmpty() && known instanceof RemoteNode node) {
            RemoteNode named = node.withNames(names);
            if (named != node) {
                put(named);
            }
            return named;
        }
        return known;
    }

    private FileNode fileNode(FileRef ref) {
        String id = fileAtPath.get(ref.path());
        if (id != null && nodes.get(id) instanceof FileNode existing) {
            if (ref.inode() != 0 && ref.inode() != existing.inode()) {
                FileNode updated = new FileNode(existing.id(), existing.path(), existing.paths(), ref.inode(),
                        existing.resolved(), existing.replaced());
                put(updated);
                return updated;
            }
            return existing;
        }
        int generation = 0;
        while (nodes.containsKey(Ids.file(ref.path(), generation))) {
            generation++;
        }
        FileNode created = new FileNode(Ids.file(ref.path(), generation), ref.path(), List.of(ref.path()), ref.inode(),
                ref.resolved(), false);
        put(created);
        fileAtPath.put(ref.path(), created.id());
        return created;
    }

    private void move(String fileId, String newPath) {
        if (!(nodes.get(fileId) instanceof FileNode moving) || moving.path().equals(newPath)) {
            return;
        }
        String displaced = fileAtPath.get(newPath);
        if (displaced != null && !displaced.equals(fileId) && nodes.get(displaced) instanceof FileNode old) {
            put(new FileNode(old.id(), old.path(), old.paths(), old.inode(), old.resolved(), true));
        }
        fileAtPath.remove(moving.path(), fileId);
        fileAtPath.put(newPath, fileId);
        List<String> paths = new ArrayList<>(moving.paths());
        paths.add(newPath);
        put(new FileNode(moving.id(), newPath, paths, moving.inode(), moving.resolved(), moving.replaced()));
    }

    private void put(Node node) {
        nodes.put(node.id(), node);
        changedNodes.add(node.id());
    }

    private void countEdge(String source, Verb verb, String target, Event event) {
        CountedEdge edge = edges.computeIfAbsent(new CountedEdge.Key(source, verb, target), key -> {
            CountedEdge created = new CountedEdge(source, target, verb);
            notInGraphYet.add(created);
            return created;
        });
        edge.add(event);
        if (!edge.changed) {
            edge.changed = true;
            changedEdges.add(edge);
        }
    }

    /** Brings the JGraphT view up to date: a node is a vertex once an edge touches it. Under the lock. */
    private void syncGraph() {
        for (CountedEdge edge : notInGraphYet) {
            graph.addVertex(edge.source);
            graph.addVertex(edge.target);
            graph.addEdge(edge.source, edge.target, edge);
        }
        notInGraphYet.clear();
    }
}
