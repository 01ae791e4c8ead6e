package io.changegraph.impact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.io.YamlReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The tables of a behaviours.yaml (docs/behaviours.md), parsed and checked: every kind from the closed list,
 * every glob and regex compiled, no unknown key. A problem is an IllegalArgumentException saying
 * {@code FILE: where: what is wrong; what to do}.
 */
record RecogniserTables(List<Manager> packages, List<CommandRule> commands, List<FileRule> files, List<ModeRule> modes,
                        Secrets secrets, Network network, DownloadExec downloadExec, LeftRunning leftRunning) {
    /** The closed list of behaviour kinds (docs/behaviours.md). */
    static final Set<String> KINDS = Set.of("package.install", "package.remove", "package.upgrade", "user.add",
            "user.change", "user.remove", "group.add", "group.change", "group.remove", "service.change", "service.start",
            "service.stop", "service.restart", "service.enable", "service.disable", "service.reload", "cron.change",
            "auth.change", "module.load", "module.unload", "mount", "unmount", "netconf.change", "sysctl.change",
            "firewall.change", "network.listen", "network.connect", "daemon.left_running", "download.exec", "file.setuid",
            "file.world_writable", "secret.read");
    static final Set<String> PACKAGE_ACTIONS = Set.of("install", "remove", "upgrade");
    private static final int MAX_BYTES = 1 << 20;

    RecogniserTables {
        packages = List.copyOf(packages);
        commands = List.copyOf(commands);
        files = List.copyOf(files);
        modes = List.copyOf(modes);
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(downloadExec, "downloadExec");
        Objects.requireNonNull(leftRunning, "leftRunning");
    }

    /** A package manager: how its command line and its status files name what it installed or removed. */
    record Manager(String name, List<BehaviourGlob> exe, List<String> modules, Map<String, List<BehaviourGlob>> actions,
                   List<BehaviourGlob> optionsWithValue, List<Pattern> archives, List<Pattern> specs, List<Pattern> records,
                   List<Trigger> triggers, List<BehaviourGlob> triggerCommands, List<BehaviourGlob> bookkeeping) {
    }

    /** A process that is a trigger run: its exe matches, its argv holds the word; the regex's name group names it. */
    record Trigger(Pattern exe, String argv) {
    }

    /** A command whose arguments say what it changes. */
    record CommandRule(List<BehaviourGlob> exe, String kind, Map<String, String> actions, int actionAt, String subject,
                       String defaultSubject, List<BehaviourGlob> whenAny, List<BehaviourGlob> unlessAny,
                       int minPositionals, List<BehaviourGlob> optionsWithValue, List<BehaviourGlob> whenChanged) {
    }

    /** Files whose change is a behaviour. {@code on}: changed, created or deleted; {@code subject}: path, unit, sysctl. */
    record FileRule(String kind, List<BehaviourGlob> paths, List<BehaviourGlob> names, String on, String subject,
                    List<BehaviourGlob> except) {
    }

    /** Mode bits set by chmod: {@code bits} present and {@code unlessBits} absent. */
    record ModeRule(String kind, int bits, String label, int unlessBits) {
    }

    record Secrets(List<BehaviourGlob> paths, List<BehaviourGlob> except) {
    }

    record Network(Set<String> families, Set<String> ignore) {
    }

    record DownloadExec(List<BehaviourGlob> downloaders, List<BehaviourGlob> interpreters) {
    }

    record LeftRunning(List<BehaviourGlob> interpreters) {
    }

    /** Parses a behaviours file's text; {@code file} names it in messages. */
    static RecogniserTables parse(String file, String text) {
        if (text.length() > MAX_BYTES) {
            throw new IllegalArgumentException(file + ": larger than 1 MiB; a behaviours file is a few hundred lines");
        }
        YamlReader.checkLines(text, file);
        JsonNode root;
        try {
            root = YamlReader.mapper().readTree(text);   // the project's one bounded YAML reader (docs/limits.md)
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
            throw new IllegalArgumentException(file + ": " + where + "YAML syntax error: " + firstLine(e.getOriginalMessage())
                    + "; check indentation and quoting");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(YamlReader.unreadable(e, file).getMessage());
        }
        return new Reader(file).tables(root);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }

    /** Reads the JSON tree, keeping the path of every value for messages. */
    private record Reader(String file) {
        RecogniserTables tables(JsonNode root) {
            if (root == null || !root.isObject()) {
                throw problem("", "the file must be a mapping with 'version: 1' and the tables (see docs/behaviours.md)");
            }
            keys(root, "", "version", "packages", "commands", "files", "modes", "secrets", "network", "download_exec",
                    "left_running");
            JsonNode version = root.get("version");
            if (version == null || !version.isInt() || version.intValue() != 1) {
                throw problem("version", "must be 1");
            }
            List<Manager> managers = new ArrayList<>();
            forEach(root, "packages", (node, where) -> managers.add(manager(node, where)));
            List<CommandRule> commands = new ArrayList<>();
            forEach(root, "commands", (node, where) -> commands.add(command(node, where)));
            List<FileRule> files = new ArrayList<>();
            forEach(root, "files", (node, where) -> files.add(fileRule(node, where)));
            List<ModeRule> modes = new ArrayList<>();
            forEach(root, "modes", (node, where) -> modes.add(mode(node, where)));
            JsonNode secrets = mapping(root, "secrets", "secrets");
            keys(secrets, "secrets", "paths", "except");
            JsonNode network = mapping(root, "network", "network");
            keys(network, "network", "families", "ignore");
            Set<String> families = new TreeSet<>(strings(network, "families", "network"));
            for (String family : families) {
                if (!Set.of("ipv4", "ipv6", "unix").contains(family)) {
                    throw problem("network.families", "unknown family '" + family + "'; use ipv4, ipv6 or unix");
                }
            }
            JsonNode download = mapping(root, "download_exec", "download_exec");
            keys(download, "download_exec", "downloaders", "interpreters");
            JsonNode running = mapping(root, "left_running", "left_running");
            keys(running, "left_running", "interpreters");
            return new RecogniserTables(managers, commands, files, modes,
                    new Secrets(globs(secrets, "paths", "secrets"), globs(secrets, "except", "secrets")),
                    new Network(families, new TreeSet<>(strings(network, "ignore", "network"))),
                    new DownloadExec(globs(download, "downloaders", "download_exec"), globs(download, "interpreters", "download_exec")),
                    new LeftRunning(globs(running, "interpreters", "left_running")));
        }

        private Manager manager(JsonNode node, String where) {
            keys(node, where, "manager", "exe", "modules", "actions", "options_with_value", "archives", "specs", "records",
                    "triggers", "trigger_commands", "bookkeeping");
            String name = text(node, "manager", where, true);
            Map<String, List<BehaviourGlob>> actions = new LinkedHashMap<>();
            JsonNode actionNode = node.get("actions");
            if (actionNode != null) {
                if (!actionNode.isObject()) {
                    throw problem(where + ".actions", "must be a mapping of install/remove/upgrade to lists of arguments");
                }
                for (Iterator<String> it = actionNode.fieldNames(); it.hasNext(); ) {
                    String action = it.next();
                    if (!PACKAGE_ACTIONS.contains(action)) {
                        throw problem(where + ".actions." + action, "unknown action; use install, remove or upgrade");
                    }
                    actions.put(action, globs(actionNode, action, where + ".actions"));
                }
            }
            List<Trigger> triggers = new ArrayList<>();
            forEach(node, "triggers", where, (trigger, at) -> {
                keys(trigger, at, "exe", "argv");
                triggers.add(new Trigger(regex(text(trigger, "exe", at, true), at + ".exe", true), text(trigger, "argv", at, false)));
            });
            List<BehaviourGlob> exe = globs(node, "exe", where);
            List<String> modules = strings(node, "modules", where);
            if (exe.isEmpty() && modules.isEmpty()) {
                throw problem(where, "names no executable: add 'exe: [name, ...]'");
            }
            return new Manager(name, exe, modules, actions, globs(node, "options_with_value", where),
                    regexes(node, "archives", where, true), regexes(node, "specs", where, true),
                    regexes(node, "records", where, true), triggers, globs(node, "trigger_commands", where),
                    globs(node, "bookkeeping", where));
        }

        private CommandRule command(JsonNode node, String where) {
            keys(node, where, "exe", "kind", "actions", "action_at", "subject", "default_subject", "when_any", "unless_any",
                    "min_positionals", "options_with_value", "when_changed");
            String kind = text(node, "kind", where, false);
            Map<String, String> actions = new LinkedHashMap<>();
            JsonNode actionNode = node.get("actions");
            if (actionNode != null) {
                if (!actionNode.isObject()) {
                    throw problem(where + ".actions", "must be a mapping of argument to kind");
                }
                actionNode.fields().forEachRemaining(entry -> actions.put(entry.getKey(),
                        kind(entry.getValue().asText(), where + ".actions." + entry.getKey())));
            }
            if ((kind == null) == actions.isEmpty()) {
                throw problem(where, "needs exactly one of 'kind' and 'actions'");
            }
            if (kind != null) {
                kind(kind, where + ".kind");
            }
            String subject = Objects.requireNonNullElse(text(node, "subject", where, false), "text:");
            if (!subject.matches("last|first|after_action|before_action|exe|after:.+|text:.*")) {
                throw problem(where + ".subject", "unknown '" + subject
                        + "'; use last, first, after_action, before_action, exe, after:WORD or text:VALUE");
            }
            if (subject.endsWith("_action") && actions.isEmpty()) {
                throw problem(where + ".subject", "'" + subject + "' needs 'actions'");
            }
            List<BehaviourGlob> exe = globs(node, "exe", where);
            if (exe.isEmpty()) {
                throw problem(where, "names no executable: add 'exe: [name, ...]'");
            }
            return new CommandRule(exe, kind, actions, integer(node, "action_at", where, 0), subject,
                    Objects.requireNonNullElse(text(node, "default_subject", where, false), ""),
                    globs(node, "when_any", where), globs(node, "unless_any", where),
                    integer(node, "min_positionals", where, 0), globs(node, "options_with_value", where),
                    globs(node, "when_changed", where));
        }

        private FileRule fileRule(JsonNode node, String where) {
            keys(node, where, "kind", "paths", "names", "on", "subject", "except");
            String on = Objects.requireNonNullElse(text(node, "on", where, false), "changed");
            if (!Set.of("changed", "created", "deleted").contains(on)) {
                throw problem(where + ".on", "unknown '" + on + "'; use changed, created or deleted");
            }
            String subject = Objects.requireNonNullElse(text(node, "subject", where, false), "path");
            if (!Set.of("path", "unit", "sysctl").contains(subject)) {
                throw problem(where + ".subject", "unknown '" + subject + "'; use path, unit or sysctl");
            }
            List<BehaviourGlob> paths = globs(node, "paths", where);
            if (paths.isEmpty()) {
                throw problem(where, "names no path: add 'paths: [glob, ...]'");
            }
            return new FileRule(kind(text(node, "kind", where, true), where + ".kind"), paths, globs(node, "names", where),
                    on, subject, globs(node, "except", where));
        }

        private ModeRule mode(JsonNode node, String where) {
            keys(node, where, "kind", "bits", "label", "unless_bits");
            return new ModeRule(kind(text(node, "kind", where, true), where + ".kind"), octal(node, "bits", where, true),
                    text(node, "label", where, true), octal(node, "unless_bits", where, false));
        }

        private String kind(String kind, String where) {
            if (!KINDS.contains(kind)) {
                throw problem(where, "unknown kind '" + kind + "'; use one of the kinds listed in docs/behaviours.md");
            }
            return kind;
        }

        private int octal(JsonNode node, String key, String where, boolean required) {
            String text = text(node, key, where, required);
            if (text == null) {
                return 0;
            }
            if (!text.matches("[0-7]{1,4}")) {
                throw problem(where + "." + key, "must be octal mode bits in quotes, e.g. '4000'");
            }
            return Integer.parseInt(text, 8);
        }

        private int integer(JsonNode node, String key, String where, int otherwise) {
            JsonNode value = node.get(key);
            if (value == null) {
                return otherwise;
            }
            if (!value.isInt() || value.intValue() < 0) {
                throw problem(where + "." + key, "must be a whole number >= 0");
            }
            return value.intValue();
        }

        private String text(JsonNode node, String key, String where, boolean required) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                if (required) {
                    throw problem(where, "'" + key + "' is missing");
                }
                return null;
            }
            if (!value.isValueNode()) {
                throw problem(where + "." + key, "must be text");
            }
            return value.asText();
        }

        private List<String> strings(JsonNode node, String key, String where) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                return List.of();
            }
            if (!value.isArray()) {
                throw problem(where + "." + key, "must be a list, e.g. [a, b]");
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                if (!item.isValueNode() || item.isNull() || item.asText().isEmpty()) {
                    throw problem(where + "." + key + "[" + i + "]", "must be non-empty text");
                }
                out.add(item.asText());
            }
            return out;
        }

        private List<BehaviourGlob> globs(JsonNode node, String key, String where) {
            List<BehaviourGlob> out = new ArrayList<>();
            List<String> texts = strings(node, key, where);
            for (int i = 0; i < texts.size(); i++) {
                try {
                    out.add(BehaviourGlob.of(texts.get(i)));
                } catch (IllegalArgumentException e) {
                    throw problem(where + "." + key + "[" + i + "]", e.getMessage());
                }
            }
            return out;
        }

        private List<Pattern> regexes(JsonNode node, String key, String where, boolean needsName) {
            List<Pattern> out = new ArrayList<>();
            List<String> texts = strings(node, key, where);
            for (int i = 0; i < texts.size(); i++) {
                out.add(regex(texts.get(i), where + "." + key + "[" + i + "]", needsName));
            }
            return out;
        }

        private Pattern regex(String text, String where, boolean needsName) {
            try {
                Pattern pattern = Pattern.compile(text);
                if (needsName && !pattern.namedGroups().containsKey("name")) {
                    throw problem(where, "the regex needs a (?<name>...) group");
                }
                return pattern;
            } catch (PatternSyntaxException e) {
                throw problem(where, "bad regex: " + firstLine(e.getMessage()));
            }
        }

        private JsonNode mapping(JsonNode node, String key, String where) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            }
            if (!value.isObject()) {
                throw problem(where, "must be a mapping");
            }
            return value;
        }

        private void forEach(JsonNode root, String key, java.util.function.BiConsumer<JsonNode, String> each) {
            forEach(root, key, "", each);
        }

        private void forEach(JsonNode node, String key, String where, java.util.function.BiConsumer<JsonNode, String> each) {
            JsonNode value = node.get(key);
            String at = where.isEmpty() ? key : where + "." + key;
            if (value == null || value.isNull()) {
                return;
            }
            if (!value.isArray()) {
                throw problem(at, "must be a list of mappings ('- key: value')");
            }
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                if (!item.isObject()) {
                    throw problem(at + "[" + i + "]", "must be a mapping");
                }
                each.accept(item, at + "[" + i + "]");
            }
        }

        private void keys(JsonNode node, String where, String... known) {
            Set<String> allowed = Set.of(known);
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!allowed.contains(key)) {
                    throw problem(where.isEmpty() ? key : where + "." + key,
                            "unknown key; known here: " + String.join(", ", new TreeSet<>(allowed)));
                }
            }
        }

        private IllegalArgumentException problem(String where, String what) {
            return new IllegalArgumentException(file + ": " + (where.isEmpty() ? "" : where + ": ") + what);
        }
    }
}
