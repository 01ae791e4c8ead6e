package io.changegraph.controller.cli;

import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.FileEffect;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Node;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Summary;
import io.changegraph.repository.model.SummaryBehaviour;
import io.changegraph.repository.model.Verb;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-command timeline of a session, as {@code changegraph show ID} prints it under the summary: every
 * command in the order it started, indented under the command that ran it, with its offset from the session's
 * start, its pid, exit status and run time, and what it did that the summary names (behaviours, files changed).
 * Consecutive sibling commands with the same command line that did nothing in the summary are one line
 * ({@code ×6}); commands still running at the end say so.
 */
final class Timeline {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final int MAX_DEPTH = 10;
    private static final int MAX_COMMAND = 90;

    private Timeline() {
    }

    static String text(GraphDocument document, Summary summary) {
        Map<String, ProcessNode> processes = new LinkedHashMap<>();
        for (Node node : document.nodes()) {
            if (node instanceof ProcessNode process && process.followed()) {
                processes.put(process.id(), process);
            }
        }
        Map<String, String> parent = new HashMap<>();
        Map<String, List<ProcessNode>> children = new HashMap<>();
        for (Edge edge : document.edges()) {
            if (edge.verb() == Verb.SPAWN && processes.containsKey(edge.target()) && processes.containsKey(edge.source())
                    && !edge.source().equals(edge.target()) && !parent.containsKey(edge.target())) {
                parent.put(edge.target(), edge.source());
                children.computeIfAbsent(edge.source(), k -> new ArrayList<>()).add(processes.get(edge.target()));
            }
        }
        Comparator<ProcessNode> byStart = Comparator.comparing((ProcessNode p) -> p.started() == null ? Instant.MAX : p.started())
                .thenComparingInt(ProcessNode::pid).thenComparing(ProcessNode::id);
        children.values().forEach(list -> list.sort(byStart));
        Map<String, List<String>> did = didByProcess(summary);
        Instant start = document.session().started();

        StringBuilder out = new StringBuilder();
        out.append("timeline (").append(processes.size()).append(processes.size() == 1 ? " command" : " commands")
                .append(start == null ? "" : ", from " + CLOCK.format(start) + " UTC").append(")\n");
        Deque<Object[]> todo = new ArrayDeque<>();
        processes.values().stream().filter(p -> !parent.containsKey(p.id())).sorted(byStart.reversed())
                .forEach(root -> todo.push(new Object[] {List.of(root), 0}));
        while (!todo.isEmpty()) {
            Object[] next = todo.pop();
            @SuppressWarnings("unchecked")
            List<ProcessNode> same = (List<ProcessNode>) next[0];
            int depth = (Integer) next[1];
            ProcessNode process = same.get(0);
            out.append(line(process, same.size(), depth, start, did.getOrDefault(process.id(), List.of())));
            if (same.size() > 1) {
                continue;  // identical commands that did nothing counted: their children are alike too
            }
            List<ProcessNode> kids = children.getOrDefault(process.id(), List.of());
            List<List<ProcessNode>> runs = new ArrayList<>();
            for (ProcessNode kid : kids) {
                List<ProcessNode> last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
                if (last != null && quiet(last.get(0), did, children) && quiet(kid, did, children)
                        && command(last.get(0)).equals(command(kid))) {
                    last.add(kid);
                } else {
                    runs.add(new ArrayList<>(List.of(kid)));
                }
            }
            for (int i = runs.size() - 1; i >= 0; i--) {
                todo.push(new Object[] {runs.get(i), depth + 1});
            }
        }
        return out.toString();
    }

    /** A process that did nothing the summary names and ran nothing: alike ones can share a line. */
    private static boolean quiet(ProcessNode process, Map<String, List<String>> did, Map<String, List<ProcessNode>> children) {
        return !did.containsKey(process.id()) && !children.containsKey(process.id());
    }

    private static String line(ProcessNode process, int times, int depth, Instant start, List<String> did) {
        StringBuilder line = new StringBuilder("  ");
        if (start != null && process.started() != null) {
            Duration offset = Duration.between(start, process.started());
            line.append(String.format(Locale.ROOT, "%9s",
                    String.format(Locale.ROOT, "+%.3fs", Math.max(0, offset.toNanos()) / 1e9)));
        } else {
            line.append("         ");
        }
        line.append("  ").append("  ".repeat(Math.min(depth, MAX_DEPTH)));
        line.append('[').append(process.pid()).append("] ").append(shorten(command(process)));
        if (times > 1) {
            line.append("  ×").append(times);
        }
        line.append("  (").append(outcome(process)).append(')');
        for (String what : did) {
            line.append("\n  ").append(" ".repeat(9)).append("  ").append("  ".repeat(Math.min(depth, MAX_DEPTH)))
                    .append("  → ").append(what);
        }
        return line.append('\n').toString();
    }

    private static String outcome(ProcessNode process) {
        if (process.ended() == null) {
            return "still running";
        }
        String status = process.exitSignal() != null ? "killed by signal " + process.exitSignal()
                : process.exitCode() != null ? "exit " + process.exitCode() : "ended";
        if (process.started() != null) {
            long millis = Duration.between(process.started(), process.ended()).toMillis();
            status += millis >= 1000 ? String.format(Locale.ROOT, ", %.1f s", millis / 1000.0) : ", " + millis + " ms";
        }
        return status;
    }

    private static String command(ProcessNode process) {
        return process.argv().isEmpty() ? process.exe() : String.join(" ", process.argv());
    }

    private static String shorten(String command) {
        return command.length() <= MAX_COMMAND ? command : command.substring(0, MAX_COMMAND - 3) + "...";
    }

    /** What each process did, in the summary's words: {@code package.install myapp}, {@code modified /etc/x}. */
    private static Map<String, List<String>> didByProcess(Summary summary) {
        Map<String, List<String>> did = new HashMap<>();
        for (SummaryBehaviour behaviour : summary.behaviours()) {
            for (String process : behaviour.processes()) {
                did.computeIfAbsent(process, k -> new ArrayList<>()).add(behaviour.kind() + " " + behaviour.subject());
            }
        }
        Map<String, List<FileEffect>> files = new LinkedHashMap<>();
        summary.files().forEach(effect -> files.computeIfAbsent(effect.by(), k -> new ArrayList<>()).add(effect));
        files.forEach((process, effects) -> {
            List<String> lines = did.computeIfAbsent(process, k -> new ArrayList<>());
            effects.stream().limit(3).forEach(effect -> lines.add(effect.effect() + " " + effect.path()));
            if (effects.size() > 3) {
                lines.add("... " + (effects.size() - 3) + (effects.size() == 4 ? " more file" : " more files"));
            }
        });
        return did;
    }
}
