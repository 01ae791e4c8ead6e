package io.changegraph.impact;

import io.changegraph.impact.RecogniserTables.FileRule;
import io.changegraph.impact.RecogniserTables.ModeRule;
import io.changegraph.impact.RecogniserTables.Secrets;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Behaviours told by files and verbs: the path rules of behaviours.yaml {@code files} (cron, units, auth,
 * sysctl, network and firewall config, direct account edits), chmod modes ({@code modes}), secrets read
 * ({@code secrets}) and kernel modules loaded or unloaded (the load_module and unload_module verbs, whoever
 * made the call: modprobe, insmod, rmmod, systemd-modules-load).
 */
final class RecogniseFiles {
    private static final Pattern UNIT = Pattern.compile(
            ".+\\.(service|socket|timer|target|mount|automount|path|slice|swap|scope|device)");

    private RecogniseFiles() {
    }

    static void recognise(RecogniserTables tables, RecogniserFacts facts, RecognisedBehaviours out) {
        for (FileNode file : facts.changedFiles()) {
            if (!facts.isTransient(file.id())) {
                pathRules(tables.files(), file, facts, out);
                modes(tables.modes(), file, facts, out);
            }
        }
        secrets(tables.secrets(), facts, out);
        modules(facts, out);
    }

    private static void pathRules(List<FileRule> rules, FileNode file, RecogniserFacts facts, RecognisedBehaviours out) {
        for (FileRule rule : rules) {
            String matched = matchedPath(rule, file);
            if (matched == null) {
                continue;
            }
            List<Edge> edges = new ArrayList<>();
            for (Edge edge : facts.changes(file.id())) {
                boolean on = switch (rule.on()) {
                    case "created" -> RecogniserFacts.MAKING.contains(edge.verb());
                    case "deleted" -> RecogniserFacts.REMOVING.contains(edge.verb());
                    default -> true;
                };
                if (on && !facts.underAny(edge.source(), rule.except())) {
                    edges.add(edge);
                }
            }
            if (edges.isEmpty()) {
                continue;
            }
            String subject = switch (rule.subject()) {
                case "unit" -> unit(matched);
                case "sysctl" -> matched.startsWith("/proc/sys/")
                        ? matched.substring("/proc/sys/".length()).replace('/', '.') : matched;
                default -> file.path();
            };
            out.add(rule.kind(), subject, describe(edges, facts), sources(edges), evidence(file, edges));
            return;
        }
    }

    /** The path of the file (latest first) that the rule's paths and names match, or null. */
    private static String matchedPath(FileRule rule, FileNode file) {
        List<String> paths = file.paths();
        for (int i = paths.size() - 1; i >= 0; i--) {
            String path = paths.get(i);
            if (BehaviourGlob.any(rule.paths(), path) && (rule.names().isEmpty() || anySegment(rule.names(), path))) {
                return path;
            }
        }
        return null;
    }

    private static boolean anySegment(List<BehaviourGlob> names, String path) {
        for (String segment : path.split("/")) {
            if (!segment.isEmpty() && BehaviourGlob.any(names, segment)) {
                return true;
            }
        }
        return false;
    }

    /** The unit a path belongs to: the last segment named like a unit (an override directory's unit), else the basename. */
    static String unit(String path) {
        String[] segments = path.split("/");
        for (int i = segments.length - 1; i >= 0; i--) {
            String segment = segments[i];
            if (UNIT.matcher(segment).matches()) {
                return segment;
            }
            if (segment.endsWith(".d") && UNIT.matcher(segment.substring(0, segment.length() - 2)).matches()) {
                return segment.substring(0, segment.length() - 2);
            }
        }
        return RecogniserFacts.basename(path);
    }

    private static void modes(List<ModeRule> rules, FileNode file, RecogniserFacts facts, RecognisedBehaviours out) {
        if (rules.isEmpty()) {
            return;
        }
        for (Edge edge : facts.changes(file.id())) {
            if (edge.verb() != Verb.CHMOD) {
                continue;
            }
            for (String detail : edge.details()) {
                if (!isOctalMode(detail)) {
                    continue;
                }
                int mode = Integer.parseInt(detail, 8);
                Map<String, List<String>> labels = new LinkedHashMap<>();   // kind -> labels: "setuid, setgid 6755"
                for (ModeRule rule : rules) {
                    if ((mode & rule.bits()) == rule.bits() && (mode & rule.unlessBits()) == 0) {
                        labels.computeIfAbsent(rule.kind(), k -> new ArrayList<>()).add(rule.label());
                    }
                }
                ProcessNode by = facts.graph().process(edge.source());
                labels.forEach((kind, names) -> out.add(kind, file.path(), String.join(", ", names) + " " + detail
                                + (by == null ? "" : " by " + RecogniserFacts.commandLine(by)),
                        List.of(edge.source()), List.of(file.id(), edge.key())));
            }
        }
    }

    /** {@code [0-7]{1,6}}, without a regex per chmod. */
    private static boolean isOctalMode(String detail) {
        if (detail.isEmpty() || detail.length() > 6) {
            return false;
        }
        for (int i = 0; i < detail.length(); i++) {
            if (detail.charAt(i) < '0' || detail.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }

    private static void secrets(Secrets secrets, RecogniserFacts facts, RecognisedBehaviours out) {
        if (secrets.paths().isEmpty()) {
            return;
        }
        List<Node> nodes = facts.graph().document().nodes();
        for (int n = 0; n < nodes.size(); n++) {
            if (!(nodes.get(n) instanceof FileNode file) || !anyPath(secrets.paths(), file)) {
                continue;
            }
            for (Edge edge : facts.graph().edgesToAt(n)) {
                if (!RecogniserFacts.ok(edge) || !isRead(edge)) {
                    continue;
                }
                ProcessNode reader = facts.graph().process(edge.source());
                if (reader == null || RecogniserFacts.named(reader, secrets.except())) {
                    continue;
                }
                out.add("secret.read", file.path(), "read by " + RecogniserFacts.commandLine(reader),
                        List.of(reader.id()), List.of(file.id(), edge.key()));
            }
        }
    }

    private static boolean anyPath(List<BehaviourGlob> globs, FileNode file) {
        for (String path : file.paths()) {
            if (BehaviourGlob.any(globs, path)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRead(Edge edge) {
        if (edge.verb() == Verb.READ) {
            return true;
        }
        if (edge.verb() != Verb.OPEN) {
            return false;
        }
        for (String flags : edge.details()) {
            for (String flag : flags.split(",")) {
                if (flag.equals("read")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void modules(RecogniserFacts facts, RecognisedBehaviours out) {
        for (Edge edge : facts.graph().document().edges()) {
            if ((edge.verb() != Verb.LOAD_MODULE && edge.verb() != Verb.UNLOAD_MODULE) || !RecogniserFacts.ok(edge)
                    || !(facts.graph().node(edge.target()) instanceof ModuleNode module)) {
                continue;
            }
            ProcessNode by = facts.graph().process(edge.source());
            String detail = (by == null ? "" : "by " + RecogniserFacts.commandLine(by))
                    + (module.path().isEmpty() ? "" : " from " + module.path());
            out.add(edge.verb() == Verb.LOAD_MODULE ? "module.load" : "module.unload", module.name(), detail.strip(),
                    List.of(edge.source()), List.of(module.id(), edge.key()));
        }
    }

    /** "created, written by bash; mode 0644 by chmod" — what each process did, in the order of their first call. */
    static String describe(List<Edge> edges, RecogniserFacts facts) {
        List<Edge> ordered = new ArrayList<>(edges);
        ordered.sort(java.util.Comparator.comparing(Edge::first, java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder()))
                .thenComparing(Edge::key));
        Map<String, Set<String>> byProcess = new LinkedHashMap<>();
        for (Edge edge : ordered) {
            ProcessNode process = facts.graph().process(edge.source());
            String who = process == null ? edge.source() : RecogniserFacts.label(process);
            byProcess.computeIfAbsent(who, k -> new LinkedHashSet<>()).add(word(edge));
        }
        List<String> parts = new ArrayList<>();
        byProcess.forEach((who, what) -> parts.add(String.join(", ", what) + " by " + who));
        return String.join("; ", parts);
    }

    private static String word(Edge edge) {
        String details = String.join(",", edge.details());
        return switch (edge.verb()) {
            case CREATE -> "created";
            case WRITE -> "written";
            case TRUNCATE -> "truncated";
            case UNLINK -> "deleted";
            case RENAME -> "renamed";
            case MKDIR -> "made a directory";
            case RMDIR -> "directory removed";
            case LINK -> "hard-linked";
            case SYMLINK -> "symlinked";
            case CHMOD -> details.isEmpty() ? "mode changed" : "mode " + details;
            case CHOWN -> details.isEmpty() ? "owner changed" : "owner " + details;
            default -> edge.verb().wireName();
        };
    }

    static Set<String> sources(List<Edge> edges) {
        Set<String> out = new TreeSet<>();
        edges.forEach(e -> out.add(e.source()));
        return out;
    }

    static Set<String> evidence(Node node, List<Edge> edges) {
        Set<String> out = new TreeSet<>();
        out.add(node.id());
        edges.forEach(e -> out.add(e.key()));
        return out;
    }
}
