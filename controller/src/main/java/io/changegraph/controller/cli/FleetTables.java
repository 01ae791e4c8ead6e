package io.changegraph.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.io.TerminalText;
import java.util.ArrayList;
import java.util.List;

/**
 * The hub's fleet answers as tables for people. Every text field may be a user's own (argv, host names): escaped
 * with {@link TerminalText}. Columns are as wide as their widest cell, so the output stays readable in a terminal.
 */
final class FleetTables {
    private static final int MAX_COMMAND = 60;

    private FleetTables() {
    }

    /** {@code GET /api/v1/fleet/sessions}: host, session, user, command, started, state, alerts. */
    static String sessions(JsonNode answer) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"HOST", "SESSION", "USER", "STARTED (UTC)", "STATE", "EVENTS", "ALERTS", "COMMAND"});
        for (JsonNode s : answer.path("sessions")) {
            rows.add(new String[] {text(s, "host"), text(s, "id"), text(s, "user"), time(s.path("started")), text(s, "state"),
                    s.path("events").asText("-"), alerts(s.path("alerts")), command(s.path("command"))});
        }
        StringBuilder out = new StringBuilder(table(rows));
        out.append(rows.size() - 1).append(rows.size() == 2 ? " session" : " sessions").append('\n');
        return out.toString();
    }

    /** {@code GET /api/v1/fleet/diff}: the ranked table, then per deviating host its extra, missing and changed lines. */
    static String diff(JsonNode answer) {
        JsonNode canary = answer.path("canary");
        StringBuilder out = new StringBuilder();
        out.append("canary ").append(text(canary, "host")).append('/').append(text(canary, "id")).append("  ")
                .append(command(canary.path("command"))).append("  started ").append(time(canary.path("started")))
                .append("\n\n");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"RANK", "HOST", "SESSION", "DEVIATIONS", "EXTRA", "MISSING", "CHANGED", "NOTE"});
        int rank = 0;
        for (JsonNode host : answer.path("hosts")) {
            rank++;
            boolean none = host.path("session").isNull() || host.path("session").isMissingNode();
            rows.add(new String[] {Integer.toString(rank), text(host, "host"), none ? "-" : text(host, "session"),
                    host.path("note").isTextual() ? "?" : host.path("deviations").asText(), count(host.path("extra")),
                    count(host.path("missing")), count(host.path("changed")),
                    host.path("note").isTextual() ? TerminalText.line(host.path("note").asText()) : ""});
        }
        out.append(table(rows));
        for (JsonNode host : answer.path("hosts")) {
            if (host.path("deviations").asInt() == 0) {
                continue;
            }
            out.append('\n').append(text(host, "host")).append(" (").append(host.path("deviations").asInt())
                    .append(host.path("deviations").asInt() == 1 ? " deviation" : " deviations").append(")\n");
            lines(out, "  + ", host.path("extra"));
            lines(out, "  - ", host.path("missing"));
            lines(out, "  ~ ", host.path("changed"));
        }
        List<String> deviating = new ArrayList<>();
        answer.path("deviating").forEach(h -> deviating.add(TerminalText.line(h.asText())));
        out.append('\n').append(deviating.isEmpty() ? "no host deviates from the canary"
                : "deviating: " + String.join(", ", deviating)).append('\n');
        return out.toString();
    }

    private static void lines(StringBuilder out, String prefix, JsonNode texts) {
        for (JsonNode text : texts) {
            out.append(prefix).append(TerminalText.line(text.asText())).append('\n');
        }
    }

    private static String count(JsonNode list) {
        return Integer.toString(list.size());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? "-" : TerminalText.line(value.asText());
    }

    private static String time(JsonNode value) {
        if (!value.isTextual()) {
            return "-";
        }
        String text = TerminalText.line(value.asText());
        return text.length() >= 19 ? text.substring(0, 10) + " " + text.substring(11, 19) : text;
    }

    private static String command(JsonNode argv) {
        List<String> words = new ArrayList<>();
        argv.forEach(word -> words.add(word.asText()));
        String line = TerminalText.line(String.join(" ", words));
        return line.length() > MAX_COMMAND ? line.substring(0, MAX_COMMAND - 3) + "..." : line;
    }

    private static String alerts(JsonNode alerts) {
        if (!alerts.isObject()) {
            return "-";
        }
        int critical = alerts.path("critical").asInt();
        int warning = alerts.path("warning").asInt();
        int info = alerts.path("info").asInt();
        if (critical + warning + info == 0) {
            return "0";
        }
        List<String> parts = new ArrayList<>();
        if (critical > 0) {
            parts.add(critical + " critical");
        }
        if (warning > 0) {
            parts.add(warning + " warning");
        }
        if (info > 0) {
            parts.add(info + " info");
        }
        return String.join(", ", parts);
    }

    /** Left-aligned columns, two spaces apart; the last column is not padded. */
    static String table(List<String[]> rows) {
        int columns = rows.getFirst().length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(row[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(width[i] - row[i].length() + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
