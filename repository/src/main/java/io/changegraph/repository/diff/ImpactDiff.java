package io.changegraph.repository.diff;

import io.changegraph.repository.model.FileEffect;
import io.changegraph.repository.model.LeftRunning;
import io.changegraph.repository.model.RemoteUse;
import io.changegraph.repository.model.Summary;
import io.changegraph.repository.model.SummaryBehaviour;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The runs' summaries side by side, in change terms: the root command's arguments, ops behaviours by kind and
 * subject, file net effects by path, remotes by endpoint, processes left running by command. Strings are
 * normalised as in the edge-level comparison (rules, user and host names, pids of the recording) but root-argument
 * values are <em>not</em> read as placeholders here: that production installed 1.0-2 because it was asked to is still
 * a change. A path whose net effect is on one side only, and which the other side deleted, reads "production also
 * deleted X" (made and deleted in one run is no net effect, so the summary alone would say "canary created X").
 */
final class ImpactDiff {
    /** Behaviours whose detail is counts and pids: compared by kind and subject only. */
    private static final Set<String> SUBJECT_ONLY = Set.of("network.connect", "network.listen", "daemon.left_running",
            "secret.read", "download.exec");
    private static final Map<String, String> PHRASES = Map.ofEntries(
            Map.entry("package.install", "installed package"), Map.entry("package.remove", "removed package"),
            Map.entry("package.upgrade", "upgraded package"), Map.entry("user.add", "added user"),
            Map.entry("user.change", "changed user"), Map.entry("user.remove", "removed user"),
            Map.entry("group.add", "added group"), Map.entry("group.change", "changed group"),
            Map.entry("group.remove", "removed group"), Map.entry("service.change", "changed service"),
            Map.entry("service.start", "started service"), Map.entry("service.stop", "stopped service"),
            Map.entry("service.restart", "restarted service"), Map.entry("service.enable", "enabled service"),
            Map.entry("service.disable", "disabled service"), Map.entry("service.reload", "reloaded service"),
            Map.entry("cron.change", "changed cron"), Map.entry("auth.change", "changed authentication in"),
            Map.entry("module.load", "loaded module"), Map.entry("module.unload", "unloaded module"),
            Map.entry("mount", "mounted"), Map.entry("unmount", "unmounted"),
            Map.entry("netconf.change", "changed network configuration"), Map.entry("sysctl.change", "changed sysctl"),
            Map.entry("firewall.change", "changed the firewall"), Map.entry("network.listen", "listened on"),
            Map.entry("network.connect", "connected to"), Map.entry("daemon.left_running", "left running"),
            Map.entry("download.exec", "downloaded and ran"), Map.entry("file.setuid", "made setuid"),
            Map.entry("file.world_writable", "made world-writable"), Map.entry("secret.read", "read secret"));
    private static final Map<String, String> EFFECTS = Map.of("created", "created", "modified", "modified",
            "replaced", "replaced", "deleted", "deleted", "renamed", "renamed to", "mode", "changed the mode of",
            "owner", "changed the owner of", "link", "linked", "mkdir", "made directory", "rmdir", "removed directory");

    private final Comparison comparison;
    private final CanonicalSide canary;
    private final CanonicalSide production;
    private final List<ImpactDifference> differences = new ArrayList<>();

    private ImpactDiff(Comparison comparison) {
        this.comparison = comparison;
        this.canary = comparison.canary();
        this.production = comparison.production();
    }

    /** The differences in change terms, in a fixed order: command, behaviours, files, remotes, left running. */
    static List<ImpactDifference> of(Comparison comparison, Summary canarySummary, Summary productionSummary) {
        ImpactDiff diff = new ImpactDiff(comparison);
        diff.command();
        diff.behaviours(canarySummary.behaviours(), productionSummary.behaviours());
        diff.files(canarySummary.files(), productionSummary.files());
        diff.remotes(withoutConnects(canarySummary.remotes(), canarySummary, diff.canary),
                withoutConnects(productionSummary.remotes(), productionSummary, diff.production));
        diff.leftRunning(canarySummary.leftRunning(), productionSummary.leftRunning());
        return List.copyOf(diff.differences);
    }

    /** Remotes no {@code network.connect} behaviour names already (that behaviour says it in its own words). */
    private static List<RemoteUse> withoutConnects(List<RemoteUse> remotes, Summary summary, CanonicalSide side) {
        Set<String> connected = new TreeSet<>();
        summary.behaviours().stream().filter(behaviour -> behaviour.kind().equals("network.connect"))
                .forEach(behaviour -> connected.add(side.normalizeFact(behaviour.subject())));
        return remotes.stream().filter(remote -> !connected.contains(side.normalizeFact(remote.endpoint()))).toList();
    }

    private void command() {
        RootArguments arguments = comparison.arguments();
        if (arguments.change == null) {
            return;
        }
        differences.add(new ImpactDifference("command", "argv", DiffStatus.CHANGED, arguments.canaryCommand,
                "the command differs: canary ran " + arguments.canaryCommand + ", production " + arguments.productionCommand,
                arguments.canaryCommand, arguments.productionCommand, List.of()));
    }

    private void behaviours(List<SummaryBehaviour> canaryList, List<SummaryBehaviour> productionList) {
        Map<String, SummaryBehaviour> c = byKey(canaryList, canary);
        Map<String, SummaryBehaviour> p = byKey(productionList, production);
        Map<String, List<String>> onlyCanary = new TreeMap<>();
        Map<String, List<String>> onlyProduction = new TreeMap<>();
        c.forEach((key, behaviour) -> {
            SummaryBehaviour other = p.get(key);
            if (other == null) {
                onlyCanary.computeIfAbsent(behaviour.kind(), kind -> new ArrayList<>()).add(key);
            } else if (!SUBJECT_ONLY.contains(behaviour.kind())
                    && !canary.normalizeFact(behaviour.detail()).equals(production.normalizeFact(other.detail()))) {
                String[] shown = shortDetails(canary.normalizeFact(behaviour.detail()), production.normalizeFact(other.detail()));
                differences.add(new ImpactDifference("behaviour", behaviour.kind(), DiffStatus.CHANGED, subject(behaviour, canary),
                        "canary " + phrase(behaviour.kind()) + " " + behaviour.subject() + " " + shown[0] + ", production " + shown[1],
                        behaviour.detail(), other.detail(), both(behaviour.evidence(), other.evidence())));
            }
        });
        p.forEach((key, behaviour) -> {
            if (!c.containsKey(key)) {
                onlyProduction.computeIfAbsent(behaviour.kind(), kind -> new ArrayList<>()).add(key);
            }
        });
        for (String kind : union(onlyCanary.keySet(), onlyProduction.keySet())) {
            List<String> cs = onlyCanary.getOrDefault(kind, List.of());
            List<String> ps = onlyProduction.getOrDefault(kind, List.of());
            if (cs.size() == 1 && ps.size() == 1) {
                SummaryBehaviour a = c.get(cs.getFirst());
                SummaryBehaviour b = p.get(ps.getFirst());
                differences.add(new ImpactDifference("behaviour", kind, DiffStatus.CHANGED, subject(a, canary),
                        "canary " + phrase(kind) + " " + a.subject() + ", production " + b.subject(),
                        a.subject() + detailSuffix(a), b.subject() + detailSuffix(b), both(a.evidence(), b.evidence())));
                continue;
            }
            for (String key : cs) {
                differences.add(oneSided(c.get(key), DiffStatus.ONLY_CANARY));
            }
            for (String key : ps) {
                differences.add(oneSided(p.get(key), DiffStatus.ONLY_PRODUCTION));
            }
        }
    }

    private ImpactDifference oneSided(SummaryBehaviour behaviour, DiffStatus status) {
        boolean inCanary = status == DiffStatus.ONLY_CANARY;
        String side = inCanary ? "canary" : "production";
        String shown = behaviour.subject() + detailSuffix(behaviour);
        return new ImpactDifference("behaviour", behaviour.kind(), status, subject(behaviour, inCanary ? canary : production),
                side + " also " + phrase(behaviour.kind()) + " " + shown, inCanary ? shown : null, inCanary ? null : shown,
                behaviour.evidence());
    }

    private static String detailSuffix(SummaryBehaviour behaviour) {
        return behaviour.detail().isEmpty() ? "" : " (" + behaviour.detail() + ")";
    }

    private Map<String, SummaryBehaviour> byKey(List<SummaryBehaviour> behaviours, CanonicalSide side) {
        Map<String, SummaryBehaviour> map = new TreeMap<>();
        for (SummaryBehaviour behaviour : behaviours) {
            map.putIfAbsent(behaviour.kind() + "\0" + subject(behaviour, side), behaviour);
        }
        return map;
    }

    private static String subject(SummaryBehaviour behaviour, CanonicalSide side) {
        return side.normalizeFact(behaviour.subject());
    }

    /** The parts before the first ':' when they differ ({@code 1.0-1} / {@code 1.0-2}), else the whole details. */
    static String[] shortDetails(String canaryDetail, String productionDetail) {
        String c = head(canaryDetail);
        String p = head(productionDetail);
        return c.equals(p) ? new String[] {canaryDetail, productionDetail} : new String[] {c, p};
    }

    private static String head(String detail) {
        int colon = detail.indexOf(':');
        return colon > 0 ? detail.substring(0, colon) : detail;
    }

    private void files(List<FileEffect> canaryFiles, List<FileEffect> productionFiles) {
        Map<String, FileEffect> c = filesByPath(canaryFiles, canary);
        Map<String, FileEffect> p = filesByPath(productionFiles, production);
        Map<String, CanonicalSide.Deletion> deletedByProduction = production.deletions(onlyIn(c, p));
        Map<String, CanonicalSide.Deletion> deletedByCanary = canary.deletions(onlyIn(p, c));
        for (String path : union(c.keySet(), p.keySet())) {
            FileEffect a = c.get(path);
            FileEffect b = p.get(path);
            if (a != null && b != null) {
                String shownA = effect(a, canary);
                String shownB = effect(b, production);
                if (!shownA.equals(shownB)) {
                    differences.add(new ImpactDifference("file", a.effect(), DiffStatus.CHANGED, path,
                            path + ": canary " + shownA + ", production " + shownB, shownA, shownB,
                            both(a.evidence(), b.evidence())));
                }
            } else if (a != null) {
                differences.add(fileOnOneSide(path, a, DiffStatus.ONLY_CANARY, deletedByProduction.get(path)));
            } else {
                differences.add(fileOnOneSide(path, b, DiffStatus.ONLY_PRODUCTION, deletedByCanary.get(path)));
            }
        }
    }

    /** A net effect of one side only; when the other side deleted the path, that deletion is the difference. */
    private ImpactDifference fileOnOneSide(String path, FileEffect effect, DiffStatus status, CanonicalSide.Deletion deletion) {
        boolean inCanary = status == DiffStatus.ONLY_CANARY;
        CanonicalSide side = inCanary ? canary : production;
        String shown = effect(effect, side);
        if (deletion != null && !effect.effect().equals("deleted") && !effect.effect().equals("rmdir")) {
            String other = inCanary ? "production" : "canary";
            String deleted = "deleted by " + deletion.command();
            return new ImpactDifference("file", "deleted", inCanary ? DiffStatus.ONLY_PRODUCTION : DiffStatus.ONLY_CANARY, path,
                    other + " also deleted " + path + " (" + deletion.command() + ")", inCanary ? shown : deleted,
                    inCanary ? deleted : shown, both(effect.evidence(), List.of(deletion.edgeKey())));
        }
        String text = (inCanary ? "canary" : "production") + " also " + EFFECTS.getOrDefault(effect.effect(), effect.effect())
                + " " + path + attributes(effect, side) + (effect.command().isEmpty() ? "" : " (" + side.normalizeFact(effect.command()) + ")");
        return new ImpactDifference("file", effect.effect(), status, path, text, inCanary ? shown : null,
                inCanary ? null : shown, effect.evidence());
    }

    private static String effect(FileEffect effect, CanonicalSide side) {
        return effect.effect() + attributes(effect, side);
    }

    private static String attributes(FileEffect effect, CanonicalSide side) {
        StringBuilder text = new StringBuilder();
        if (effect.from() != null) {
            text.append(" from ").append(side.normalizeFact(effect.from()));
        }
        if (effect.mode() != null) {
            text.append(' ').append(effect.mode());
        }
        if (effect.owner() != null) {
            text.append(' ').append(effect.owner());
        }
        return text.toString();
    }

    /** Net effects by normalised path, without those {@code --ignore-path} leaves out. */
    private static Map<String, FileEffect> filesByPath(List<FileEffect> files, CanonicalSide side) {
        Map<String, FileEffect> map = new TreeMap<>();
        for (FileEffect file : files) {
            if (!side.ignoresFact(file.path())) {
                map.putIfAbsent(side.normalizeFact(file.path()), file);
            }
        }
        return map;
    }

    private static Set<String> onlyIn(Map<String, ?> side, Map<String, ?> other) {
        Set<String> only = new TreeSet<>(side.keySet());
        only.removeAll(other.keySet());
        return only;
    }

    private void remotes(List<RemoteUse> canaryRemotes, List<RemoteUse> productionRemotes) {
        Map<String, RemoteUse> c = new TreeMap<>();
        canaryRemotes.forEach(remote -> c.putIfAbsent(canary.normalizeFact(remote.endpoint()), remote));
        Map<String, RemoteUse> p = new TreeMap<>();
        productionRemotes.forEach(remote -> p.putIfAbsent(production.normalizeFact(remote.endpoint()), remote));
        Set<String> onlyC = onlyIn(c, p);
        Set<String> onlyP = onlyIn(p, c);
        if (onlyC.size() == 1 && onlyP.size() == 1) {
            RemoteUse a = c.get(onlyC.iterator().next());
            RemoteUse b = p.get(onlyP.iterator().next());
            differences.add(new ImpactDifference("remote", "remote", DiffStatus.CHANGED, onlyC.iterator().next(),
                    "canary talked to " + a.endpoint() + ", production " + b.endpoint(), a.endpoint(), b.endpoint(),
                    both(Stream.concat(Stream.of(a.id()), a.processes().stream()).toList(),
                            Stream.concat(Stream.of(b.id()), b.processes().stream()).toList())));
            return;
        }
        for (String endpoint : union(c.keySet(), p.keySet())) {
            if (c.containsKey(endpoint) != p.containsKey(endpoint)) {
                boolean inCanary = c.containsKey(endpoint);
                RemoteUse remote = inCanary ? c.get(endpoint) : p.get(endpoint);
                String side = inCanary ? "canary" : "production";
                differences.add(new ImpactDifference("remote", "remote", inCanary ? DiffStatus.ONLY_CANARY : DiffStatus.ONLY_PRODUCTION,
                        endpoint, side + " also talked to " + remote.endpoint(), inCanary ? remote.endpoint() : null,
                        inCanary ? null : remote.endpoint(), Stream.concat(Stream.of(remote.id()), remote.processes().stream()).toList()));
            }
        }
    }

    private void leftRunning(List<LeftRunning> canaryRunning, List<LeftRunning> productionRunning) {
        Map<String, LeftRunning> c = new TreeMap<>();
        canaryRunning.forEach(running -> c.putIfAbsent(canary.normalizeFact(running.command()), running));
        Map<String, LeftRunning> p = new TreeMap<>();
        productionRunning.forEach(running -> p.putIfAbsent(production.normalizeFact(running.command()), running));
        Set<String> onlyC = onlyIn(c, p);
        Set<String> onlyP = onlyIn(p, c);
        if (onlyC.size() == 1 && onlyP.size() == 1) {
            LeftRunning a = c.get(onlyC.iterator().next());
            LeftRunning b = p.get(onlyP.iterator().next());
            differences.add(new ImpactDifference("left_running", "left_running", DiffStatus.CHANGED, onlyC.iterator().next(),
                    "canary left running " + a.command() + ", production " + b.command(), a.command(), b.command(),
                    List.of(a.process(), b.process())));
            return;
        }
        for (String command : union(c.keySet(), p.keySet())) {
            if (c.containsKey(command) != p.containsKey(command)) {
                boolean inCanary = c.containsKey(command);
                LeftRunning running = inCanary ? c.get(command) : p.get(command);
                differences.add(new ImpactDifference("left_running", "left_running",
                        inCanary ? DiffStatus.ONLY_CANARY : DiffStatus.ONLY_PRODUCTION, command,
                        (inCanary ? "canary" : "production") + " also left running " + running.command(),
                        inCanary ? running.command() : null, inCanary ? null : running.command(), List.of(running.process())));
            }
        }
    }

    private static String phrase(String kind) {
        return PHRASES.getOrDefault(kind, kind);
    }

    private static List<String> both(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    private static List<String> union(Set<String> a, Set<String> b) {
        TreeSet<String> all = new TreeSet<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
