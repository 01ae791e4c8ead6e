package io.changegraph.impact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.io.JsonMappers;
import io.changegraph.repository.model.FileEffect;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.LeftRunning;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteUse;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Summary;
import io.changegraph.repository.model.SummaryBehaviour;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The summary for people (text for a terminal, markdown for a ticket or a pull request) and for programs
 * ({@value Summary#SCHEMA} JSON, sorted keys). The text form puts one change per line; files changed the same
 * way by the same process in the same directory (with the same mode and owner) share a line,
 * {@code /var/lib/myapp/{.bashrc,.profile}}, so a routine deploy fits a terminal with every change in it.
 */
public final class SummaryFormats {
    private static final ObjectMapper MAPPER = JsonMappers.PRETTY;
    private static final int COMMAND_WIDTH = 48;
    private static final int LINE_WIDTH = 110;

    private SummaryFormats() {
    }

    /** Plain text for a terminal. */
    public static String text(GraphDocument document, Summary summary) {
        StringBuilder out = new StringBuilder();
        out.append(headline(document)).append('\n');
        if (!summary.behaviours().isEmpty()) {
            out.append("behaviours (").append(summary.behaviours().size()).append(")\n");
            int kindWidth = summary.behaviours().stream().mapToInt(b -> b.kind().length()).max().orElse(0);
            for (SummaryBehaviour b : summary.behaviours()) {
                String line = b.subject() + (b.detail().isEmpty() ? "" : ": " + b.detail());
                out.append("  ").append(pad(b.kind(), kindWidth)).append("  ").append(shorten(line, LINE_WIDTH - kindWidth - 4))
                        .append('\n');
            }
        }
        List<FileLine> lines = fileLines(summary.files());
        out.append("files changed (").append(summary.files().size()).append(")");
        out.append(summary.files().isEmpty() ? ": none\n" : "\n");
        int effectWidth = lines.stream().mapToInt(l -> l.effect.length()).max().orElse(0);
        int pathWidth = Math.min(44, lines.stream().mapToInt(l -> l.what().length()).max().orElse(0));
        for (FileLine line : lines) {
            out.append("  ").append(pad(line.effect, effectWidth)).append("  ").append(pad(line.what(), pathWidth))
                    .append("  ").append(shorten(line.command, COMMAND_WIDTH)).append('\n');
        }
        if (!summary.remotes().isEmpty()) {
            out.append("remotes (").append(summary.remotes().size()).append(")\n");
            for (RemoteUse r : summary.remotes()) {
                out.append("  ").append(r.endpointWithNames()).append("  ").append(connects(r)).append('\n');
            }
        }
        if (!summary.leftRunning().isEmpty()) {
            out.append("left running (").append(summary.leftRunning().size()).append(")\n");
            for (LeftRunning l : summary.leftRunning()) {
                out.append("  pid ").append(l.pid()).append("  ").append(shorten(l.command(), 72)).append('\n');
            }
        }
        out.append(foldedLine(summary)).append('\n');
        return out.toString();
    }

    /** Markdown: a headline and one table per section. */
    public static String markdown(GraphDocument document, Summary summary) {
        StringBuilder out = new StringBuilder();
        out.append("### ").append(cell(headline(document))).append("\n\n");
        if (!summary.behaviours().isEmpty()) {
            out.append("| behaviour | subject | detail |\n|---|---|---|\n");
            for (SummaryBehaviour b : summary.behaviours()) {
                out.append("| ").append(b.kind()).append(" | `").append(cell(b.subject())).append("` | ")
                        .append(cell(b.detail())).append(" |\n");
            }
            out.append('\n');
        }
        out.append("**Files changed: ").append(summary.files().size()).append("**\n\n");
        if (!summary.files().isEmpty()) {
            out.append("| effect | path | mode | owner | by |\n|---|---|---|---|---|\n");
            for (FileEffect f : summary.files()) {
                String path = "`" + cell(f.path()) + "`" + (f.from() == null ? "" : " from `" + cell(f.from()) + "`")
                        + (f.transients() == 0 ? "" : " (+" + f.transients() + " transient)");
                out.append("| ").append(f.effect()).append(" | ").append(path).append(" | ")
                        .append(f.mode() == null ? "" : f.mode()).append(" | ").append(f.owner() == null ? "" : f.owner())
                        .append(" | `").append(cell(shorten(f.command(), 80))).append("` |\n");
            }
            out.append('\n');
        }
        if (!summary.remotes().isEmpty()) {
            out.append("| remote | connects |\n|---|---|\n");
            for (RemoteUse r : summary.remotes()) {
                out.append("| `").append(cell(r.endpointWithNames())).append("` | ").append(connects(r)).append(" |\n");
            }
            out.append('\n');
        }
        if (!summary.leftRunning().isEmpty()) {
            out.append("| left running | command |\n|---|---|\n");
            for (LeftRunning l : summary.leftRunning()) {
                out.append("| pid ").append(l.pid()).append(" | `").append(cell(shorten(l.command(), 100))).append("` |\n");
            }
            out.append('\n');
        }
        out.append(cell(foldedLine(summary))).append('\n');
        return out.toString();
    }

    /** {@value Summary#SCHEMA}: {@code schema}, {@code session} (as in the graph) and the summary's sections, sorted. */
    public static String json(GraphDocument document, Summary summary) {
        Map<String, Object> json = new LinkedHashMap<>(GraphJson.summaryFields(summary));
        json.put("schema", Summary.SCHEMA);
        json.put("session", GraphJson.sessionFields(document.session()));
        try {
            return MAPPER.writeValueAsString(json) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a summary is always serialisable", e);
        }
    }

    /** A few lines for the end of {@code record} (stderr): counts, then the first changes. */
    public static String brief(Summary summary, int maxFiles) {
        StringBuilder out = new StringBuilder();
        out.append("summary: ").append(summary.behaviours().size()).append(summary.behaviours().size() == 1 ? " behaviour, " : " behaviours, ")
                .append(summary.files().size()).append(summary.files().size() == 1 ? " file changed, " : " files changed, ")
                .append(summary.remotes().size()).append(summary.remotes().size() == 1 ? " remote, " : " remotes, ")
                .append(summary.leftRunning().size()).append(" left running; ").append(summary.foldedTotal())
                .append(" edges of noise folded\n");
        for (SummaryBehaviour b : summary.behaviours().stream().limit(maxFiles).toList()) {
            out.append("  ").append(b.kind()).append(' ').append(b.subject()).append('\n');
        }
        List<FileLine> lines = fileLines(summary.files());
        int room = Math.max(0, maxFiles - Math.min(maxFiles, summary.behaviours().size()));
        for (FileLine line : lines.stream().limit(room).toList()) {
            out.append("  ").append(line.effect).append(' ').append(line.what()).append('\n');
        }
        if (lines.size() > room) {
            out.append("  ... ").append(lines.size() - room).append(" more: changegraph summary FILE\n");
        }
        return out.toString();
    }

    private static String headline(GraphDocument document) {
        Session s = document.session();
        long processes = document.nodes().stream().filter(ProcessNode.class::isInstance).count();
        String duration = s.started() != null && s.ended() != null
                ? String.format(java.util.Locale.ROOT, "%.1f s", Duration.between(s.started(), s.ended()).toMillis() / 1000.0)
                : "still running";
        return "changegraph summary: " + shorten(String.join(" ", s.command()), 60) + " (" + (s.host().isEmpty() ? "" : s.host() + ", ")
                + (s.user().isEmpty() ? "" : s.user() + ", ") + duration + ", " + processes + " processes, "
                + document.edges().size() + " edges)";
    }

    private static String connects(RemoteUse r) {
        return r.connects() + (r.connects() == 1 ? " connect" : " connects") + (r.failed() == 0 ? "" : ", " + r.failed()
                + " failed") + (r.refused() == 0 ? "" : ", " + r.refused() + " refused")
                + (r.timedOut() == 0 ? "" : ", " + r.timedOut() + " timed out")
                + " by " + r.processes().size() + (r.processes().size() == 1 ? " process" : " processes");
    }

    private static String foldedLine(Summary summary) {
        if (summary.folded().isEmpty()) {
            return "folded: nothing";
        }
        List<String> parts = new ArrayList<>();
        summary.folded().forEach((k, v) -> parts.add(v + " " + k.replace('_', ' ')));
        return "folded (edges, kept in the graph): " + String.join(", ", parts);
    }

    /** One text line: files with the same effect, process, directory, mode and owner together. */
    private record FileLine(String effect, String dir, List<String> names, String suffix, String command, String by) {
        String what() {
            String path = names.size() == 1 ? join(dir, names.getFirst()) : join(dir, "{" + String.join(",", names) + "}");
            return path + suffix;
        }

        private static String join(String dir, String name) {
            return dir.equals("/") ? "/" + name : dir + "/" + name;
        }
    }

    private static List<FileLine> fileLines(List<FileEffect> files) {
        List<FileLine> lines = new ArrayList<>();
        for (FileEffect f : files) {
            int slash = f.path().lastIndexOf('/');
            String dir = slash <= 0 ? "/" : f.path().substring(0, slash);
            String name = f.path().substring(slash + 1);
            String suffix = suffix(f);
            FileLine last = lines.isEmpty() ? null : lines.getLast();
            if (last != null && last.effect.equals(f.effect()) && last.dir.equals(dir) && last.suffix.equals(suffix)
                    && Objects.equals(last.by, f.by()) && f.from() == null && f.transients() == 0 && slash > 0) {
                List<String> names = new ArrayList<>(last.names);
                names.add(name);
                lines.set(lines.size() - 1, new FileLine(last.effect, dir, names, suffix, last.command, last.by));
            } else {
                lines.add(new FileLine(f.effect(), dir, List.of(name), suffix, f.command(), f.by()));
            }
        }
        return lines;
    }

    private static String suffix(FileEffect f) {
        StringBuilder s = new StringBuilder();
        if (f.from() != null) {
            s.append(f.effect().equals("link") ? " -> " : " from ").append(f.from());
        }
        if (f.mode() != null) {
            s.append(" ").append(f.mode());
        }
        if (f.owner() != null) {
            s.append(" ").append(f.owner());
        }
        if (f.transients() > 0) {
            s.append(" (+").append(f.transients()).append(" tmp)");
        }
        return s.toString();
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    private static String shorten(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 3) + "...";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
