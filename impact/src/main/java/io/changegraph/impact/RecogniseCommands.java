package io.changegraph.impact;

import io.changegraph.impact.RecogniserTables.CommandRule;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.ProcessNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Behaviours told by a command's arguments (behaviours.yaml {@code commands}): {@code useradd ... myapp} is
 * user.add myapp, {@code systemctl enable --now nginx} is service.enable nginx. Only commands of their own
 * (see {@link RecogniserFacts#isCommand}) that did not fail count.
 */
final class RecogniseCommands {
    private RecogniseCommands() {
    }

    static void recognise(List<CommandRule> rules, RecogniserFacts facts, RecognisedBehaviours out) {
        for (ProcessNode process : facts.graph().processes()) {
            if (!process.followed() || !RecogniserFacts.succeeded(process) || !facts.isCommand(process)) {
                continue;
            }
            for (CommandRule rule : rules) {
                if (RecogniserFacts.named(process, rule.exe())) {
                    apply(rule, process, facts, out);
                }
            }
        }
    }

    private static void apply(CommandRule rule, ProcessNode process, RecogniserFacts facts, RecognisedBehaviours out) {
        List<String> argv = process.argv().isEmpty() ? List.of(process.exe()) : process.argv();
        List<String> args = argv.subList(1, argv.size());
        if (!rule.whenAny().isEmpty() && args.stream().noneMatch(a -> BehaviourGlob.any(rule.whenAny(), a))) {
            return;
        }
        if (args.stream().anyMatch(a -> BehaviourGlob.any(rule.unlessAny(), a))) {
            return;
        }
        if (!rule.whenChanged().isEmpty() && !changedAny(process, rule.whenChanged(), facts)) {
            return;
        }
        List<Integer> positionals = RecogniserFacts.positionals(argv, rule.optionsWithValue());
        if (positionals.size() < rule.minPositionals()) {
            return;
        }
        String kind = rule.kind();
        int action = -1;   // index into positionals of the action word
        if (kind == null) {
            for (int i = 0; i < positionals.size(); i++) {
                boolean at = rule.actionAt() == 0 || rule.actionAt() == i + 1;
                if (at && rule.actions().containsKey(argv.get(positionals.get(i)))) {
                    action = i;
                    kind = rule.actions().get(argv.get(positionals.get(i)));
                    break;
                }
            }
            if (kind == null) {
                return;
            }
        }
        List<String> subjects = subjects(rule, process, argv, positionals, action);
        if (subjects.isEmpty()) {
            if (rule.defaultSubject().isEmpty()) {
                return;
            }
            subjects = List.of(rule.defaultSubject());
        }
        String detail = RecogniserFacts.commandLine(process);
        List<String> evidence = new ArrayList<>(List.of(process.id()));
        for (Edge edge : facts.graph().edgesFrom(process.id())) {
            if (RecogniserFacts.CHANGING.contains(edge.verb()) && RecogniserFacts.ok(edge)
                    && facts.graph().file(edge.target()) != null && !facts.isTransient(edge.target())) {
                evidence.add(edge.key());   // what it changed: /etc/passwd replaced, a .wants link made
            }
        }
        for (String subject : subjects) {
            out.add(kind, subject, detail, List.of(process.id()), evidence);
        }
    }

    /** Whether the process itself changed (not only as a transient) a file at one of these paths. */
    private static boolean changedAny(ProcessNode process, List<BehaviourGlob> paths, RecogniserFacts facts) {
        for (Edge edge : facts.graph().edgesFrom(process.id())) {
            io.changegraph.repository.model.FileNode file = facts.graph().file(edge.target());
            if (file != null && RecogniserFacts.CHANGING.contains(edge.verb()) && RecogniserFacts.ok(edge)
                    && !facts.isTransient(file.id()) && file.paths().stream().anyMatch(p -> BehaviourGlob.any(paths, p))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> subjects(CommandRule rule, ProcessNode process, List<String> argv, List<Integer> positionals,
                                         int action) {
        String subject = rule.subject();
        List<String> out = new ArrayList<>();
        switch (subject) {
            case "last" -> {
                if (!positionals.isEmpty()) {
                    out.add(argv.get(positionals.getLast()));
                }
            }
            case "first" -> {
                if (!positionals.isEmpty()) {
                    out.add(argv.get(positionals.getFirst()));
                }
            }
            case "after_action" -> {
                for (int i = action + 1; i < positionals.size(); i++) {
                    out.add(argv.get(positionals.get(i)));
                }
            }
            case "before_action" -> {
                if (action > 0) {
                    out.add(argv.get(positionals.get(action - 1)));
                }
            }
            case "exe" -> out.add(RecogniserFacts.label(process));
            default -> {
                if (subject.startsWith("after:")) {
                    int at = argv.subList(1, argv.size()).indexOf(subject.substring("after:".length()));
                    if (at >= 0 && at + 2 < argv.size()) {
                        out.add(argv.get(at + 2));
                    }
                } else if (subject.startsWith("text:") && subject.length() > "text:".length()) {
                    out.add(subject.substring("text:".length()));
                }
            }
        }
        return out;
    }
}
