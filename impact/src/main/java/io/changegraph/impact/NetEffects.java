package io.changegraph.impact;

import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileEffect;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.Verb;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The net effect of a session per path, computed from the file nodes (their path history, {@code replaced})
 * and the successful edges to them, ordered by the edges' first/last times. Failed attempts are not effects.
 *
 * <p>Per path, the node there at the start ({@code S}: seen, not made in the session) and the node there at the
 * end ({@code E}: neither deleted, renamed away nor replaced) decide the effect (docs/impact.md, "Net effects"):
 * <ul>
 *   <li>no S, no E: a transient path (made and gone); it folds into the effect it served;</li>
 *   <li>no S, E: {@code created} ({@code mkdir}, {@code link}), or {@code renamed} when E existed elsewhere before;</li>
 *   <li>S, no E: {@code deleted} ({@code rmdir}), or nothing when S was renamed to a path that tells it;</li>
 *   <li>S = E: {@code modified} when written or truncated, else {@code mode}, else {@code owner}, else nothing;</li>
 *   <li>S ≠ E: {@code replaced} (renamed over it: sed -i, useradd, editors; or deleted and made again).</li>
 * </ul>
 * The mode and owner set on E are kept on the effect. Transient paths are attached to the effect of the path
 * their node ended at, else to an effect of the same process in the same directory ({@code passwd.<pid>},
 * {@code passwd.lock} under {@code /etc/passwd}), else only counted.
 */
final class NetEffects {
    private static final Comparator<Edge> BY_TIME = Comparator.comparing(NetEffects::firstOf)
            .thenComparing(NetEffects::lastOf).thenComparing(NetEffects::compareKeys);
    private static final int MAX_EVIDENCE = 24;
    private static final Set<Verb> FD_ONLY = java.util.EnumSet.of(Verb.READ, Verb.WRITE);

    private final List<FileEffect> effects;
    private final Map<String, NoiseClass> foldedNodes;
    private final long transientPaths;

    private NetEffects(List<FileEffect> effects, Map<String, NoiseClass> foldedNodes, long transientPaths) {
        this.effects = List.copyOf(effects);
        this.foldedNodes = Map.copyOf(foldedNodes);
        this.transientPaths = transientPaths;
    }

    /** Computes the net effects of a recording. */
    public static NetEffects of(SessionGraph graph) {
        return new Builder(graph).build();
    }

    /** Every net effect, sorted by path then effect. */
    public List<FileEffect> all() {
        return effects;
    }

    /** The net effects made by this process. */
    public List<FileEffect> by(String processId) {
        return effects.stream().filter(e -> e.by().equals(processId)).toList();
    }

    /** How many transient paths (made and gone by the end) there were, attached to an effect or not. */
    public long transients() {
        return transientPaths;
    }

    /**
     * File node ids whose edges fold as a whole: {@code transient} (made in the session and gone by its end, or
     * a deleted file still written through its descriptor), {@code lock_file}, {@code session_output}.
     */
    public Map<String, NoiseClass> foldedNodes() {
        return foldedNodes;
    }

    /** Whether a path is one the summary looks at: pseudo files (/dev, /proc except /proc/sys) are not. */
    static boolean isEffectPath(String path) {
        if (!path.startsWith("/")) {
            return !path.startsWith("pipe:") && !path.startsWith("socket:") && !path.startsWith("anon_inode:");
        }
        if (path.startsWith("/dev/")) {
            return path.startsWith("/dev/shm/") || path.startsWith("/dev/mqueue/");
        }
        if (path.startsWith("/proc/")) {
            return path.startsWith("/proc/sys/");
        }
        return true;
    }

    /** {@code a.key().compareTo(b.key())} without making the keys (edges made in the same instant tie on time). */
    static int compareKeys(Edge a, Edge b) {
        String[] x = {a.source(), "|", a.verb().wireName(), "|", a.target()};
        String[] y = {b.source(), "|", b.verb().wireName(), "|", b.target()};
        int xi = 0;
        int xo = 0;
        int yi = 0;
        int yo = 0;
        while (true) {
            while (xi < x.length && xo == x[xi].length()) {
                xi++;
                xo = 0;
            }
            while (yi < y.length && yo == y[yi].length()) {
                yi++;
                yo = 0;
            }
            if (xi == x.length || yi == y.length) {
                return (xi == x.length ? 0 : 1) - (yi == y.length ? 0 : 1);
            }
            char cx = x[xi].charAt(xo++);
            char cy = y[yi].charAt(yo++);
            if (cx != cy) {
                return cx - cy;
            }
        }
    }

    private static Instant firstOf(Edge edge) {
        return edge.first() == null ? Instant.EPOCH : edge.first();
    }

    private static Instant lastOf(Edge edge) {
        return edge.last() == null ? firstOf(edge) : edge.last();
    }

    static boolean succeeded(Edge edge) {
        return edge.count() > edge.failed();
    }

    /** One way a node came to or left a path. */
    private record Step(Edge edge, Instant at) {
        String process() {
            return edge.source();
        }
    }

    /** A file node's life in the session, from its successful edges. */
    private static final class Life {
        final FileNode node;
        final List<Edge> edges = new ArrayList<>();   // successful, by time
        Edge born;            // create, mkdir, link or symlink that made it
        boolean existed;      // there before the session (not made in it, or used before it was "made")
        final List<Step> moves = new ArrayList<>();   // moves[i]: paths[i] -> paths[i+1]
        Edge removed;         // unlink or rmdir
        Edge lastWrite;
        String mode;
        Edge modeEdge;
        String uid;
        String gid;
        Edge ownerEdge;

        Life(FileNode node) {
            this.node = node;
        }

        boolean alive() {
            return removed == null && !node.replaced();
        }

        Step arrival(int pathIndex) {
            if (pathIndex == 0) {
                return born == null ? null : new Step(born, firstOf(born));
            }
            return moves.get(pathIndex - 1);
        }

        String owner() {
            if (uid == null && gid == null) {
                return null;
            }
            return (uid == null ? "-1" : uid) + ":" + (gid == null ? "-1" : gid);
        }
    }

    /** A node's stay at one path. */
    private record Stay(Life life, int index) {
        boolean atStart() {
            return index == 0 && life.existed;
        }

        boolean atEnd() {
            return index == life.node.paths().size() - 1 && life.alive();
        }

        Instant arrivedAt() {
            Step step = life.arrival(index);
            return step == null ? Instant.EPOCH : step.at();
        }
    }

    private static final class Builder {
        private final SessionGraph graph;
        private final Map<String, List<Stay>> stays;
        private final Map<String, FileEffect> byPath = new LinkedHashMap<>();
        private final Map<String, NoiseClass> foldedNodes = new HashMap<>();
        private final Map<String, Integer> nodesAtPath;

        Builder(SessionGraph graph) {
            this.graph = graph;
            int capacity = graph.document().nodes().size() * 4 / 3 + 16;
            stays = new HashMap<>(capacity);
            nodesAtPath = new HashMap<>(capacity);
        }

        NetEffects build() {
            List<Node> nodes = graph.document().nodes();
            for (Node node : nodes) {
                if (node instanceof FileNode file) {
                    for (String path : file.paths()) {
                        nodesAtPath.merge(path, 1, Integer::sum);
                    }
                }
            }
            for (int n = 0; n < nodes.size(); n++) {
                if (nodes.get(n) instanceof FileNode file) {
                    Life life = life(file, n);
                    if (life != null) {
                        List<String> paths = file.paths();
                        for (int i = 0; i < paths.size(); i++) {
                            stays.computeIfAbsent(paths.get(i), k -> new ArrayList<>()).add(new Stay(life, i));
                        }
                        if (!life.existed && !life.alive()) {
                            foldedNodes.put(file.id(), NoiseClass.TRANSIENT);
                        }
                    }
                }
            }
            List<String> transientPaths = new ArrayList<>();
            for (Map.Entry<String, List<Stay>> here : stays.entrySet()) {   // any order: effects are sorted below
                if (isEffectPath(here.getKey()) && !classify(here.getKey(), here.getValue())) {
                    transientPaths.add(here.getKey());
                }
            }
            Map<String, Long> attached = attachTransients(transientPaths);
            List<FileEffect> effects = new ArrayList<>();
            for (FileEffect effect : byPath.values()) {
                long extra = attached.getOrDefault(effect.path(), 0L);
                effects.add(extra == 0 ? effect : new FileEffect(effect.path(), effect.effect(), effect.from(),
                        effect.mode(), effect.owner(), effect.by(), effect.command(), effect.transients() + extra,
                        effect.evidence()));
            }
            effects.sort(Comparator.comparing(FileEffect::path).thenComparing(FileEffect::effect));
            return new NetEffects(effects, foldedNodes, transientPaths.size());
        }

        /** The node's life from its successful edges, or null when nothing about it succeeded. */
        private Life life(FileNode file, int nodeIndex) {
            boolean alone = file.paths().size() == 1 && !file.replaced() && nodesAtPath.getOrDefault(file.path(), 1) == 1;
            if (alone && !isEffectPath(file.path())) {
                return null;   // a device or /proc file: never an effect, its edges are classed by Noise
            }
            List<Edge> to = graph.edgesToAt(nodeIndex);
            boolean onlyLooked = true;
            boolean anySucceeded = false;
            for (Edge edge : to) {
                if (succeeded(edge)) {
                    anySucceeded = true;
                    Verb verb = edge.verb();
                    if (verb != Verb.READ && verb != Verb.EXEC && (verb != Verb.OPEN || isWrite(edge))) {
                        onlyLooked = false;
                        break;
                    }
                }
            }
            if (!anySucceeded || (onlyLooked && alone)) {
                return null;   // failed attempts are not effects; a file only looked at, alone at its path, is unchanged
            }
            List<Edge> ok = new ArrayList<>();
            boolean fdOnly = true;
            boolean written = false;
            boolean opened = true;   // only create, open, read
            for (Edge edge : to) {
                if (succeeded(edge)) {
                    ok.add(edge);
                    Verb verb = edge.verb();
                    fdOnly &= FD_ONLY.contains(verb);
                    written |= verb == Verb.WRITE;
                    opened &= verb == Verb.CREATE || verb == Verb.OPEN || verb == Verb.READ;
                }
            }
            if (ok.size() > 1) {
                ok.sort(BY_TIME);
            }
            if (fdOnly && written) {
                // written through a descriptor opened elsewhere: a file deleted while open (another node was at
                // the path), or the session's inherited stdout/stderr
                foldedNodes.put(file.id(), nodesAtPath.getOrDefault(file.path(), 1) > 1 || file.paths().size() > 1
                        ? NoiseClass.TRANSIENT : NoiseClass.SESSION_OUTPUT);
                return null;
            }
            if (Noise.isLockName(file.path()) && file.paths().size() == 1
                    && opened) {
                foldedNodes.put(file.id(), NoiseClass.LOCK_FILE);
                return null;
            }
            Life life = new Life(file);
            life.edges.addAll(ok);
            List<Edge> renames = new ArrayList<>();
            for (Edge edge : ok) {
                switch (edge.verb()) {
                    case CREATE, MKDIR, LINK, SYMLINK -> {
                        if (life.born == null) {
                            life.born = edge;
                        }
                    }
                    case RENAME -> renames.add(edge);
                    case UNLINK, RMDIR -> life.removed = edge;
                    default -> {
                    }
                }
                if (isWrite(edge) && (life.lastWrite == null || lastOf(edge).compareTo(lastOf(life.lastWrite)) >= 0)) {
                    life.lastWrite = edge;
                }
            }
            life.existed = life.born == null || ok.stream().anyMatch(e -> e != life.born
                    && firstOf(e).isBefore(firstOf(life.born)) && e.verb() != Verb.RENAME);
            if (life.existed && life.born != null && life.born.verb() != Verb.CREATE) {
                life.existed = false;   // mkdir/link/symlink succeeded: the path was free before
            }
            life.moves.addAll(moves(renames, file.paths().size() - 1));
            for (Edge edge : ok) {   // in time order: the last mode and owner win
                if (edge.verb() == Verb.CHMOD && !edge.details().isEmpty()) {
                    life.mode = edge.details().getLast();
                    life.modeEdge = edge;
                } else if (edge.verb() == Verb.CHOWN && !edge.details().isEmpty()) {
                    String[] ids = edge.details().getLast().split(":", 2);
                    if (ids.length == 2) {
                        life.uid = ids[0].equals("-1") ? life.uid : ids[0];
                        life.gid = ids[1].equals("-1") ? life.gid : ids[1];
                        life.ownerEdge = edge;
                    }
                }
            }
            return life;
        }

        /** The {@code n} moves of a node, taken from its successful rename edges in time order. */
        private static List<Step> moves(List<Edge> renames, int n) {
            List<Step> steps = new ArrayList<>();
            for (Edge edge : renames) {
                long k = edge.count() - edge.failed();
                long span = lastOf(edge).toEpochMilli() * 1_000_000L - firstOf(edge).toEpochMilli() * 1_000_000L;
                for (long i = 0; i < k && steps.size() < n; i++) {
                    Instant at = k == 1 ? firstOf(edge) : firstOf(edge).plusNanos(span / (k - 1) * i);
                    steps.add(new Step(edge, at));
                }
            }
            while (steps.size() < n) {   // a move without a successful rename edge of its own: reuse the last one
                if (steps.isEmpty()) {
                    steps.add(null);
                } else {
                    steps.add(steps.getLast());
                }
            }
            return steps;
        }

        private static boolean isWrite(Edge edge) {
            return switch (edge.verb()) {
                case WRITE, TRUNCATE -> true;
                case CREATE, OPEN -> {
                    for (String detail : edge.details()) {
                        if (detail.contains("truncate")) {
                            yield true;
                        }
                    }
                    yield false;
                }
                default -> false;
            };
        }

        /** Records the path's effect; false when the path is transient (made and gone). */
        private boolean classify(String path, List<Stay> here) {
            Stay start = null;
            Stay end = null;
            Stay first = null;   // the earliest arrival among the stays not there at the start
            for (Stay stay : here) {   // loops, not streams: this runs for every path; ties keep the earlier stay
                if (stay.atStart()) {
                    start = start == null ? stay : start;
                } else if (first == null || stay.arrivedAt().isBefore(first.arrivedAt())) {
                    first = stay;
                }
                if (stay.atEnd() && (end == null || stay.arrivedAt().isAfter(end.arrivedAt()))) {
                    end = stay;
                }
            }
            if (start == null && end == null) {
                return false;
            }
            Life e = end == null ? null : end.life;
            if (start == null) {
                Step made = first.life.arrival(first.index);
                if (end.index > 0 && e.existed) {
                    String from = e.node.paths().getFirst();
                    put(path, "renamed", from, e, arrivalStep(end), start, end);
                } else if (e.born != null && e.born.verb() == Verb.MKDIR) {
                    put(path, "mkdir", null, e, made, start, end);
                } else if (end.index == 0 && e.born != null && (e.born.verb() == Verb.LINK || e.born.verb() == Verb.SYMLINK)) {
                    put(path, "link", e.born.details().isEmpty() ? null : e.born.details().getFirst(), e, made, start, end);
                } else {
                    put(path, "created", null, e, made, start, end);
                }
                return true;
            }
            Life s = start.life;
            if (end == null) {
                if (start.index < s.node.paths().size() - 1 && s.alive()) {
                    return true;   // renamed away: the path it went to tells it
                }
                Step gone = s.removed != null && start.index < s.node.paths().size() - 1
                        ? new Step(s.removed, lastOf(s.removed)) : lastDeparture(here);
                boolean dir = here.stream().anyMatch(st -> st.life.removed != null && st.life.removed.verb() == Verb.RMDIR);
                put(path, dir ? "rmdir" : "deleted", null, null, gone, start, null);
                return true;
            }
            if (s == e) {
                if (e.lastWrite != null) {
                    put(path, "modified", null, e, new Step(e.lastWrite, lastOf(e.lastWrite)), start, end);
                } else if (e.modeEdge != null) {
                    put(path, "mode", null, e, new Step(e.modeEdge, lastOf(e.modeEdge)), start, end);
                } else if (e.ownerEdge != null) {
                    put(path, "owner", null, e, new Step(e.ownerEdge, lastOf(e.ownerEdge)), start, end);
                }
                return true;
            }
            String from = end.index > 0 && e.existed ? e.node.paths().getFirst() : null;
            put(path, "replaced", from, e, arrivalStep(end), start, end);
            return true;
        }

        private static Step arrivalStep(Stay stay) {
            Step step = stay.life.arrival(stay.index);
            if (step == null && stay.life.born != null) {
                return new Step(stay.life.born, firstOf(stay.life.born));
            }
            return step;
        }

        /** The last way the path was vacated: an unlink/rmdir of a node ending there, or a move away from it. */
        private static Step lastDeparture(List<Stay> here) {
            Step last = null;
            for (Stay stay : here) {
                Life life = stay.life;
                Step step = null;
                if (stay.index == life.node.paths().size() - 1) {
                    step = life.removed == null ? null : new Step(life.removed, lastOf(life.removed));
                } else if (stay.index < life.moves.size()) {
                    step = life.moves.get(stay.index);
                }
                if (step != null && (last == null || !step.at().isBefore(last.at()))) {
                    last = step;
                }
            }
            return last;
        }

        private void put(String path, String effect, String from, Life end, Step by, Stay start, Stay endStay) {
            if (by == null) {
                return;
            }
            Set<String> evidence = new TreeSet<>();
            if (start != null) {
                evidence.add(start.life.node.id());
                if (start.life.removed != null) {
                    evidence.add(start.life.removed.key());
                }
            }
            if (end != null) {
                evidence.add(end.node.id());
                for (Edge edge : end.edges) {
                    if (edge.verb() != Verb.OPEN && edge.verb() != Verb.READ && edge.verb() != Verb.EXEC) {
                        evidence.add(edge.key());
                    }
                }
            }
            evidence.add(by.edge().key());
            List<String> kept = evidence.stream().limit(MAX_EVIDENCE).toList();
            boolean keepsContent = end != null;
            long transients = 0;
            if (endStay != null) {
                for (int i = 0; i < endStay.index; i++) {
                    String earlier = end.node.paths().get(i);
                    if (!stays.getOrDefault(earlier, List.of()).stream().anyMatch(st -> st.atStart() || st.atEnd())) {
                        transients++;
                    }
                }
            }
            String process = by.process();
            byPath.put(path, new FileEffect(path, effect, from, keepsContent ? end.mode : null,
                    keepsContent ? end.owner() : null, process, graph.command(process), transients, kept));
        }

        /**
         * Attaches transient paths that did not end as part of another path (those are counted by
         * {@link #put}) to an effect of the process that made them, in the same directory.
         */
        private Map<String, Long> attachTransients(List<String> transientPaths) {
            Map<String, List<FileEffect>> byProcessAndDir = new HashMap<>();
            for (FileEffect effect : byPath.values()) {
                byProcessAndDir.computeIfAbsent(effect.by() + "\n" + parent(effect.path()), k -> new ArrayList<>()).add(effect);
            }
            Map<String, Long> attached = new HashMap<>();
            for (String path : transientPaths) {
                List<Stay> here = stays.get(path);
                boolean movedOn = here.stream().anyMatch(st -> st.life.alive()
                        && st.index < st.life.node.paths().size() - 1 && byPath.containsKey(st.life.node.path()));
                if (movedOn) {
                    continue;   // counted on the path its node ended at
                }
                Stay first = here.stream().min(Comparator.comparing(Stay::arrivedAt)).orElseThrow();
                Step made = first.life.arrival(first.index);
                if (made == null) {
                    continue;
                }
                FileEffect best = null;
                for (FileEffect effect : byProcessAndDir.getOrDefault(made.process() + "\n" + parent(path), List.of())) {
                    if (best == null || better(path, effect.path(), best.path())) {
                        best = effect;
                    }
                }
                if (best != null) {
                    attached.merge(best.path(), 1L, Long::sum);
                }
            }
            return attached;
        }

        private static boolean better(String transientPath, String candidate, String current) {
            boolean candidatePrefix = transientPath.startsWith(candidate);
            boolean currentPrefix = transientPath.startsWith(current);
            if (candidatePrefix != currentPrefix) {
                return candidatePrefix;
            }
            int a = commonPrefix(transientPath, candidate);
            int b = commonPrefix(transientPath, current);
            return a > b || (a == b && candidate.compareTo(current) < 0);
        }

        private static int commonPrefix(String a, String b) {
            int n = Math.min(a.length(), b.length());
            int i = 0;
            while (i < n && a.charAt(i) == b.charAt(i)) {
                i++;
            }
            return i;
        }

        private static String parent(String path) {
            int slash = path.lastIndexOf('/');
            return slash <= 0 ? "/" : path.substring(0, slash);
        }
    }
}
