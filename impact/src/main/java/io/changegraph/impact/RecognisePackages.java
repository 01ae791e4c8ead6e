package io.changegraph.impact;

import io.changegraph.impact.RecogniserTables.Manager;
import io.changegraph.impact.RecogniserTables.Trigger;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Package behaviours (behaviours.yaml {@code packages}). The outermost package-manager process and its
 * subtree are one group. Which packages it installed, upgraded or removed comes from its status files
 * ({@code records}: written = installed, or upgraded when the file existed before; deleted = removed), else
 * from its command line ({@code actions} and the arguments after them); versions from the records, the
 * archives named or opened, and {@code name=version} arguments. The files counted are the ones the package
 * manager processes themselves changed, outside their bookkeeping; the triggers are the trigger runs in the
 * subtree. The whole subtree of a group that did something folds into its behaviours.
 */
final class RecognisePackages {
    static final int EVIDENCE_FILES = 50;

    private RecognisePackages() {
    }

    /** What one group did to one package. */
    private static final class Package {
        final Set<String> versions = new LinkedHashSet<>();
        final Set<String> oldVersions = new LinkedHashSet<>();
        final Set<String> evidence = new TreeSet<>();
        final Set<String> installedPaths = new TreeSet<>();   // records written and there at the end
        final Set<String> removedPaths = new TreeSet<>();     // records deleted
        String asked;          // the command line's action for it, or null
        boolean installed;     // a record written and there at the end
        boolean removed;       // a record deleted and not made again
        boolean previous;      // a record existed before it was written
    }

    /** Recognises the package behaviours; returns the process ids of the subtrees that fold into them. */
    static Set<String> recognise(List<Manager> managers, RecogniserFacts facts, RecognisedBehaviours out) {
        if (managers.isEmpty()) {
            return Set.of();
        }
        SessionGraph graph = facts.graph();
        Map<String, Manager> managerOf = new HashMap<>();
        for (ProcessNode process : graph.processes()) {
            for (Manager manager : managers) {
                if (argv(manager, process) != null) {
                    managerOf.put(process.id(), manager);
                    break;
                }
            }
        }
        Set<String> folded = new TreeSet<>();
        for (ProcessNode process : graph.processes()) {
            if (!managerOf.containsKey(process.id()) || !facts.isCommand(process)
                    || graph.ancestors(process.id()).stream().anyMatch(managerOf::containsKey)) {
                continue;
            }
            if (group(process, managerOf, facts, out)) {
                folded.addAll(graph.subtree(process.id()));
            }
        }
        return folded;
    }

    /** The manager's view of a process's argv (from the manager's name on, for {@code python3 -m pip}), or null. */
    static List<String> argv(Manager manager, ProcessNode process) {
        if (RecogniserFacts.named(process, manager.exe())) {
            return process.argv();
        }
        List<String> argv = process.argv();
        for (int i = 1; i + 1 < argv.size(); i++) {
            if (argv.get(i).equals("-m") && manager.modules().contains(argv.get(i + 1))) {
                return argv.subList(i + 1, argv.size());
            }
        }
        return null;
    }

    private static boolean group(ProcessNode root, Map<String, Manager> managerOf, RecogniserFacts facts,
                                 RecognisedBehaviours out) {
        SessionGraph graph = facts.graph();
        Manager rootManager = managerOf.get(root.id());
        Set<String> subtree = graph.subtree(root.id());
        Set<Manager> present = new LinkedHashSet<>();
        present.add(rootManager);
        for (String id : subtree) {
            if (managerOf.containsKey(id)) {
                present.add(managerOf.get(id));
            }
        }
        Map<String, Package> packages = new TreeMap<>();
        asked(rootManager, argv(rootManager, root), packages);
        boolean hasRecords = present.stream().anyMatch(m -> !m.records().isEmpty());
        List<BehaviourGlob> bookkeeping = new ArrayList<>();
        present.forEach(m -> bookkeeping.addAll(m.bookkeeping()));

        Set<String> triggerProcesses = new HashSet<>();
        Set<String> triggers = new TreeSet<>();
        for (String id : subtree) {
            ProcessNode process = graph.process(id);
            String trigger = process == null ? null : trigger(process, present);
            if (trigger != null) {
                triggers.add(trigger);
                triggerProcesses.addAll(graph.subtree(id));
            }
        }
        for (String id : subtree) {
            ProcessNode process = graph.process(id);
            if (process != null && !triggerProcesses.contains(id)
                    && present.stream().anyMatch(m -> RecogniserFacts.named(process, m.triggerCommands()))) {
                triggers.add(RecogniserFacts.label(process));
                triggerProcesses.addAll(graph.subtree(id));
            }
        }

        Set<String> files = new TreeSet<>();
        Set<String> directories = new TreeSet<>();
        Set<String> removedFiles = new TreeSet<>();
        Set<String> removedDirectories = new TreeSet<>();
        Map<String, String> archives = new LinkedHashMap<>();   // name -> version, from archives named or opened
        for (String id : subtree) {
            ProcessNode process = graph.process(id);
            if (process == null || triggerProcesses.contains(id)) {
                continue;   // a trigger run (mandb reading every man page) neither installs nor names packages
            }
            Manager own = managerOf.get(id);
            for (String arg : process.argv()) {
                archive(present, arg, archives);
            }
            for (Edge edge : graph.edgesFrom(id)) {
                FileNode file = graph.file(edge.target());
                if (file == null || !RecogniserFacts.ok(edge)) {
                    continue;
                }
                if (edge.verb() == Verb.OPEN || edge.verb() == Verb.READ) {
                    archive(present, file.path(), archives);
                }
                if (!RecogniserFacts.CHANGING.contains(edge.verb())) {
                    continue;
                }
                if (record(present, file, edge, facts, packages)) {
                    continue;
                }
                if (own == null || facts.isTransient(file.id())
                        || BehaviourGlob.any(bookkeeping, file.path())) {
                    continue;
                }
                if (edge.verb() == Verb.RMDIR) {
                    removedDirectories.add(file.id());
                } else if (edge.verb() == Verb.UNLINK) {
                    removedFiles.add(file.id());
                } else if (facts.isDirectory(file.id())) {
                    directories.add(file.id());
                } else {
                    files.add(file.id());
                }
            }
        }
        directories.removeAll(removedDirectories);
        files.removeAll(removedFiles);
        archives.forEach((name, version) -> {
            Package p = packages.get(name);
            if (p != null && p.versions.isEmpty()) {
                p.versions.add(version);
            }
        });

        boolean succeeded = RecogniserFacts.succeeded(root);
        Set<String> processes = new TreeSet<>();
        processes.add(root.id());
        for (String id : subtree) {
            if (managerOf.containsKey(id) && !triggerProcesses.contains(id)) {
                processes.add(id);
            }
        }
        int told = 0;
        long counted = packages.values().stream().filter(p -> p.installed || p.removed || !hasRecords || !succeeded).count();
        for (Map.Entry<String, Package> entry : packages.entrySet()) {
            Package p = entry.getValue();
            String kind = kind(p, hasRecords, succeeded);
            if (kind == null) {
                continue;
            }
            told++;
            StringBuilder detail = new StringBuilder(version(p, kind));
            String effects = kind.equals("package.remove")
                    ? join(count(removedFiles.size(), "file"), count(removedDirectories.size(), "directory"))
                    : join(count(files.size(), "file"), count(directories.size(), "directory"));
            if (!effects.isEmpty() && kind.equals("package.remove")) {
                effects += " removed";
            }
            if (!effects.isEmpty()) {
                detail.append(detail.isEmpty() ? "" : ": ").append(effects).append(counted > 1 ? " for " + counted + " packages" : "");
            }
            if (!triggers.isEmpty()) {
                detail.append(detail.isEmpty() ? "" : "; ").append("triggers: ").append(String.join(", ", triggers));
            }
            if (!succeeded) {
                detail.append(detail.isEmpty() ? "" : "; ").append(RecogniserFacts.label(root)).append(" failed (")
                        .append(root.exitSignal() != null ? "signal " + root.exitSignal() : "exit " + root.exitCode()).append(')');
            }
            Set<String> evidence = new TreeSet<>(p.evidence);
            evidence.add(root.id());
            // the package's files to click through to, up to EVIDENCE_FILES (the detail counts them all)
            (kind.equals("package.remove") ? java.util.stream.Stream.concat(removedFiles.stream(), removedDirectories.stream())
                    : java.util.stream.Stream.concat(files.stream(), directories.stream()))
                    .limit(EVIDENCE_FILES).forEach(evidence::add);
            out.add(kind, entry.getKey(), detail.toString(), processes, evidence);
        }
        return told > 0;
    }

    /** The packages the command line asks for, by the first argument that is an action and the ones after it. */
    private static void asked(Manager manager, List<String> argv, Map<String, Package> packages) {
        List<Integer> positionals = RecogniserFacts.positionals(argv, manager.optionsWithValue());
        String action = null;
        int from = argv.size();
        for (int i = 1; i < argv.size() && action == null; i++) {
            for (Map.Entry<String, List<BehaviourGlob>> entry : manager.actions().entrySet()) {
                if (BehaviourGlob.any(entry.getValue(), argv.get(i))) {
                    action = entry.getKey();
                    from = i + 1;
                    break;
                }
            }
        }
        if (action == null) {
            return;
        }
        for (int index : positionals) {
            if (index < from) {
                continue;
            }
            String arg = argv.get(index);
            Matcher match = first(manager.archives(), arg);
            if (match == null) {
                match = first(manager.specs(), arg);
            }
            if (match != null) {
                Package p = packages.computeIfAbsent(match.group("name"), k -> new Package());
                p.asked = action;
                String version = group(match, "version");
                if (version != null) {
                    p.versions.add(version);
                }
            }
        }
    }

    /** Whether this changing edge wrote or deleted a status record; notes what it says. */
    private static boolean record(Set<Manager> present, FileNode file, Edge edge, RecogniserFacts facts,
                                  Map<String, Package> packages) {
        for (Manager manager : present) {
            for (String path : file.paths()) {
                Matcher match = first(manager.records(), path);
                if (match == null) {
                    continue;
                }
                boolean atEnd = path.equals(file.path());
                Package p = packages.computeIfAbsent(match.group("name"), k -> new Package());
                String version = group(match, "version");
                p.evidence.add(file.id());
                p.evidence.add(edge.key());
                if (RecogniserFacts.REMOVING.contains(edge.verb())) {
                    p.removedPaths.add(path);
                    if (version != null) {
                        p.oldVersions.add(version);
                    }
                } else if (atEnd && !file.replaced() && facts.changes(file.id()).stream()
                        .noneMatch(e -> RecogniserFacts.REMOVING.contains(e.verb()))) {
                    // dpkg --purge rewrites a package's .list as it removes files, then deletes it: only a
                    // record still there at the end says installed
                    p.installedPaths.add(path);
                    if (version != null) {
                        p.versions.add(version);
                    }
                    p.previous |= facts.replacedAt(file.path());
                }
                p.installed = !p.installedPaths.isEmpty();
                p.removed = !p.installedPaths.containsAll(p.removedPaths);
                return true;
            }
        }
        return false;
    }

    private static String kind(Package p, boolean hasRecords, boolean succeeded) {
        if (p.installed && p.removed) {
            p.oldVersions.removeAll(p.versions);
            return p.oldVersions.isEmpty() ? "package.install" : "package.upgrade";
        }
        if (p.installed) {
            return p.previous ? "package.upgrade" : "package.install";
        }
        if (p.removed) {
            return "package.remove";
        }
        if (p.asked == null || (hasRecords && succeeded)) {
            return null;   // asked for, and nothing changed (already installed, not installed)
        }
        return "package." + p.asked;
    }

    private static String version(Package p, String kind) {
        String version = String.join(", ", p.versions);
        if (kind.equals("package.upgrade") && !p.oldVersions.isEmpty()) {
            return String.join(", ", p.oldVersions) + " → " + (version.isEmpty() ? "?" : version);
        }
        if (kind.equals("package.remove") && version.isEmpty()) {
            return String.join(", ", p.oldVersions);
        }
        return version;
    }

    private static String trigger(ProcessNode process, Set<Manager> present) {
        for (Manager manager : present) {
            for (Trigger trigger : manager.triggers()) {
                Matcher match = trigger.exe().matcher(process.exe());
                if (!match.matches() && !process.argv().isEmpty()) {
                    match = trigger.exe().matcher(process.argv().stream().filter(a -> a.startsWith("/")).findFirst().orElse(""));
                }
                if (match.matches() && (trigger.argv() == null || process.argv().contains(trigger.argv()))) {
                    return match.group("name");
                }
            }
        }
        return null;
    }

    private static void archive(Set<Manager> present, String text, Map<String, String> archives) {
        for (Manager manager : present) {
            Matcher match = first(manager.archives(), text);
            if (match != null && group(match, "version") != null) {
                archives.putIfAbsent(match.group("name"), match.group("version"));
                return;
            }
        }
    }

    private static Matcher first(List<Pattern> patterns, String text) {
        for (Pattern pattern : patterns) {
            Matcher match = pattern.matcher(text);
            if (match.find()) {
                return match;
            }
        }
        return null;
    }

    private static String group(Matcher match, String name) {
        return match.pattern().namedGroups().containsKey(name) ? match.group(name) : null;
    }

    private static String count(int n, String noun) {
        if (n == 0) {
            return "";
        }
        return n + " " + (n == 1 ? noun : noun.equals("directory") ? "directories" : noun + "s");
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + ", " + b;
    }
}
