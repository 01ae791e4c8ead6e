package io.changegraph.impact;

import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the recognisers ask of a recording, computed once: a process's names and command-line arguments,
 * whether it is a command of its own, which files were changed and by which successful edges, which files
 * were only transient.
 */
final class RecogniserFacts {
    /** Verbs that change a file when they succeed. */
    static final Set<Verb> CHANGING = EnumSet.of(Verb.CREATE, Verb.WRITE, Verb.TRUNCATE, Verb.UNLINK, Verb.RENAME,
            Verb.MKDIR, Verb.RMDIR, Verb.CHMOD, Verb.CHOWN, Verb.LINK, Verb.SYMLINK);
    static final Set<Verb> MAKING = EnumSet.of(Verb.CREATE, Verb.LINK, Verb.SYMLINK, Verb.MKDIR, Verb.RENAME);
    static final Set<Verb> REMOVING = EnumSet.of(Verb.UNLINK, Verb.RMDIR);

    private final SessionGraph graph;
    private final Map<String, List<Edge>> changes = new HashMap<>();
    private final List<FileNode> changedFiles = new ArrayList<>();
    private final Set<String> replacedPaths = new java.util.HashSet<>();

    RecogniserFacts(SessionGraph graph) {
        this.graph = graph;
        List<Node> nodes = graph.document().nodes();
        for (int n = 0; n < nodes.size(); n++) {
            if (nodes.get(n) instanceof FileNode file) {
                if (file.replaced()) {
                    replacedPaths.add(file.path());
                }
                List<Edge> edges = new ArrayList<>();
                for (Edge edge : graph.edgesToAt(n)) {
                    if (CHANGING.contains(edge.verb()) && ok(edge)) {
                        edges.add(edge);
                    }
                }
                if (!edges.isEmpty()) {
                    changes.put(file.id(), List.copyOf(edges));
                    changedFiles.add(file);
                }
            }
        }
    }

    SessionGraph graph() {
        return graph;
    }

    /** Whether at least one of the edge's calls succeeded. */
    static boolean ok(Edge edge) {
        return edge.count() > edge.failed();
    }

    /** The basename of a path: {@code /usr/sbin/useradd} is {@code useradd}. */
    static String basename(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /** Whether one of the globs matches the basename of the process's exe or of its argv[0]. */
    static boolean named(ProcessNode process, List<BehaviourGlob> names) {
        if (names.isEmpty()) {
            return false;
        }
        if (!process.exe().isEmpty() && BehaviourGlob.any(names, basename(process.exe()))) {
            return true;
        }
        return !process.argv().isEmpty() && BehaviourGlob.any(names, basename(process.argv().getFirst()));
    }

    /**
     * Whether the process ran a command of its own: it exec'd in the session (or its parent is unknown, or
     * differs). A fork child that only carries its parent's exe and argv (shadow-utils forking to run nscd,
     * a subshell) is not a command.
     */
    boolean isCommand(ProcessNode process) {
        for (Edge edge : graph.edgesFrom(process.id())) {
            if (edge.verb() == Verb.EXEC && ok(edge)) {
                return true;
            }
        }
        String parentId = graph.parent(process.id());
        ProcessNode parent = parentId == null ? null : graph.process(parentId);
        return parent == null || !parent.exe().equals(process.exe()) || !parent.argv().equals(process.argv());
    }

    /** Whether the process did not fail: exit 0, or still running. */
    static boolean succeeded(ProcessNode process) {
        if (process.exitSignal() != null) {
            return false;
        }
        return process.exitCode() == null ? process.ended() == null : process.exitCode() == 0;
    }

    /** The successful changing edges into this file (empty when it was not changed). */
    List<Edge> changes(String fileId) {
        return changes.getOrDefault(fileId, List.of());
    }

    /** Every changed file, in the document's order. */
    List<FileNode> changedFiles() {
        return changedFiles;
    }

    /** A file made and removed again in the session (a temp or lock file): not a change of its own. */
    boolean isTransient(String fileId) {
        boolean made = false;
        boolean removed = false;
        for (Edge edge : changes(fileId)) {
            made |= edge.verb() == Verb.CREATE || edge.verb() == Verb.LINK || edge.verb() == Verb.SYMLINK
                    || edge.verb() == Verb.MKDIR;
            removed |= REMOVING.contains(edge.verb());
        }
        return made && removed;
    }

    /** Whether a file that was at this path was replaced in the session (something renamed over it). */
    boolean replacedAt(String path) {
        return replacedPaths.contains(path);
    }

    /** Whether the file was made a directory in the session (a successful mkdir). */
    boolean isDirectory(String fileId) {
        return changes(fileId).stream().anyMatch(e -> e.verb() == Verb.MKDIR);
    }

    /** The argv after argv[0] that are not options nor option values; after {@code --} every argument is one. */
    static List<Integer> positionals(List<String> argv, List<BehaviourGlob> optionsWithValue) {
        List<Integer> out = new ArrayList<>();
        boolean onlyPositionals = false;
        for (int i = 1; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (onlyPositionals || arg.equals("-") || !arg.startsWith("-")) {
                out.add(i);
            } else if (arg.equals("--")) {
                onlyPositionals = true;
            } else if (!arg.contains("=") && BehaviourGlob.any(optionsWithValue, arg)) {
                i++;
            }
        }
        return out;
    }

    /** Whether this process or one of its ancestors is named by one of the globs. */
    boolean underAny(String processId, List<BehaviourGlob> names) {
        if (names.isEmpty()) {
            return false;
        }
        ProcessNode process = graph.process(processId);
        if (process != null && named(process, names)) {
            return true;
        }
        for (String ancestor : graph.ancestors(processId)) {
            ProcessNode p = graph.process(ancestor);
            if (p != null && named(p, names)) {
                return true;
            }
        }
        return false;
    }

    /** A short name for a process in details: the basename of its exe (or argv[0]). */
    static String label(ProcessNode process) {
        if (!process.exe().isEmpty()) {
            return basename(process.exe());
        }
        return process.argv().isEmpty() ? "pid " + process.pid() : basename(process.argv().getFirst());
    }

    /** The command line, cut to a readable length. */
    static String commandLine(ProcessNode process) {
        String line = process.argv().isEmpty() ? process.exe() : String.join(" ", process.argv());
        return line.length() <= 120 ? line : line.substring(0, 119) + "…";
    }
}
