package io.changegraph.monitor;

import com.fasterxml.jackson.core.JsonToken;
import io.changegraph.monitor.ObjectMatcher.PortRange;
import io.changegraph.monitor.Rule.Condition;
import io.changegraph.monitor.Rule.Outcome;
import io.changegraph.monitor.Rule.Sequence;
import io.changegraph.monitor.Rule.Severity;
import io.changegraph.monitor.Rule.Threshold;
import io.changegraph.monitor.YamlTree.Loc;
import io.changegraph.monitor.YamlTree.YEntry;
import io.changegraph.monitor.YamlTree.YList;
import io.changegraph.monitor.YamlTree.YMap;
import io.changegraph.monitor.YamlTree.YNode;
import io.changegraph.monitor.YamlTree.YScalar;
import io.changegraph.repository.model.Verb;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Turns the located YAML tree of a rules file into {@link Rule}s and a {@link MonitorConfig}, collecting
 * every problem with its location and a hint instead of stopping at the first.
 */
final class RulesParser {
    private static final List<String> TOP_KEYS = List.of("version", "alerts", "rules");
    private static final List<String> RULE_KEYS = List.of("id", "severity", "description", "verbs", "outcome",
            "subject", "object", "ancestor", "not_ancestor", "after", "threshold", "exceptions", "recipients",
            "behaviour");
    private static final List<String> BEHAVIOUR_RULE_KEYS = List.of("id", "severity", "description", "behaviour",
            "subject", "exceptions", "recipients");
    /** The closed list of summary behaviour kinds (docs/impact.md). */
    static final List<String> BEHAVIOUR_KINDS = List.of("package.install", "package.remove", "package.upgrade",
            "user.add", "user.change", "user.remove", "group.add", "group.change", "group.remove", "service.change",
            "service.start", "service.stop", "service.restart", "service.enable", "service.disable", "service.reload",
            "cron.change", "auth.change", "module.load", "module.unload", "mount", "unmount", "netconf.change",
            "sysctl.change", "firewall.change", "network.listen", "network.connect", "daemon.left_running",
            "download.exec", "file.setuid", "file.world_writable", "secret.read");
    private static final List<String> PROCESS_KEYS = List.of("exe", "argv", "uid", "euid");
    private static final List<String> OBJECT_KEYS = List.of("kind", "path", "path_regex", "name", "family",
            "address", "port", "pid", "in_session", "mode", "detail", "remote_name", "outcome");
    private static final List<String> AFTER_KEYS = List.of("verbs", "subject", "object", "same_object",
            "same_process", "same_lineage", "within_seconds");
    private static final List<String> THRESHOLD_KEYS = List.of("more_than", "window_seconds", "per");
    private static final List<String> EXCEPTION_KEYS = List.of("subject", "object", "ancestor", "not_ancestor");
    private static final List<String> ALERTS_KEYS = List.of("log", "outbox", "window_seconds",
            "max_messages_per_minute", "max_mails_per_minute", "max_webhooks_per_minute", "retry_initial_seconds",
            "retry_max_seconds", "drain_seconds", "smtp", "webhook", "groups", "recipients", "viewer_url");
    private static final List<String> SMTP_KEYS = List.of("host", "port", "tls", "username", "password_env",
            "from", "ssl_trust", "timeout_seconds");
    private static final List<String> WEBHOOK_KEYS = List.of("url", "timeout_seconds");
    private static final List<String> KINDS = List.of("file", "process", "remote", "module");
    private static final List<String> FAMILIES = List.of("ipv4", "ipv6", "unix");
    private static final Map<String, Integer> MODE_BITS = modeBits();
    private static final Pattern ID_RANGE = Pattern.compile("(\\d{1,10})(?:\\s*-\\s*(\\d{1,10}))?");
    private static final Pattern RULE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final String file;
    private final Function<String, String> environment;
    private final Problems problems = new Problems();
    private Map<String, List<String>> groups = Map.of();

    private RulesParser(String file, Function<String, String> environment) {
        this.file = file;
        this.environment = environment;
    }

    record Parsed(List<Rule> rules, MonitorConfig config, Map<String, List<String>> groups) {
    }

    static Parsed parse(String file, String text, Function<String, String> environment) throws RulesException {
        RulesParser parser = new RulesParser(file, environment);
        Parsed parsed = parser.document(YamlTree.parse(file, text, parser.problems));
        if (!parser.problems.isEmpty()) {
            throw new RulesException(parser.problems.messages());
        }
        return parsed;
    }

    private Parsed document(YNode root) {
        if (root == null) {
            if (problems.isEmpty()) {
                problems.add(new Loc(file, 1, 1), "the rules file is empty", "it needs at least 'rules:' with a list");
            }
            return null;
        }
        YMap top = map(root, "the rules file");
        if (top == null) {
            return null;
        }
        checkKeys(top, TOP_KEYS, "at the top level");
        YEntry version = top.entries().get("version");
        if (version != null) {
            Long v = integer(version.value(), "'version'", 1, 1);
            if (v == null) {
                return null;
            }
        }
        YEntry alerts = top.entries().get("alerts");
        MonitorConfig config = alerts == null ? MonitorConfig.defaults() : alerts(alerts.value());
        YEntry rulesEntry = top.entries().get("rules");
        List<Rule> rules = new ArrayList<>();
        if (rulesEntry == null) {
            problems.add(top.loc(), "missing 'rules'", "add 'rules:' with a list of rules");
        } else {
            YList list = list(rulesEntry.value(), "'rules'");
            Map<String, Loc> seen = new HashMap<>();
            for (YNode item : list == null ? List.<YNode>of() : list.items()) {
                Rule rule = rule(item);
                if (rule != null) {
                    Loc first = seen.putIfAbsent(rule.id(), item.loc());
                    if (first != null) {
                        problems.add(item.loc(), "duplicate rule id '" + rule.id() + "'",
                                "first used at " + first + "; ids must be unique");
                    }
                    rules.add(rule);
                }
            }
        }
        return problems.isEmpty() ? new Parsed(List.copyOf(rules), config, groups) : null;
    }

    // ---- alerts section ----------------------------------------------------------------------------

    private MonitorConfig alerts(YNode node) {
        MonitorConfig config = MonitorConfig.defaults();
        String where = "in 'alerts'";
        YMap alerts = section(node, where, ALERTS_KEYS);
        if (alerts == null) {
            return config;
        }
        Map<String, YEntry> e = alerts.entries();
        if (e.containsKey("groups")) {
            groups = groups(e.get("groups").value());
        }
        Path log = e.containsKey("log") ? path(e.get("log").value(), "'log' " + where) : null;
        Path outbox = e.containsKey("outbox") ? path(e.get("outbox").value(), "'outbox' " + where) : null;
        Duration window = duration(e.get("window_seconds"), "'window_seconds' " + where, config.window());
        // max_messages_per_minute sets both limits; each sink's own key overrides it
        Long perMinute = e.containsKey("max_messages_per_minute")
                ? integer(e.get("max_messages_per_minute").value(), "'max_messages_per_minute' " + where, 1, 100_000)
                : Long.valueOf(config.mailsPerMinute());
        Long mailsPerMinute = e.containsKey("max_mails_per_minute")
                ? integer(e.get("max_mails_per_minute").value(), "'max_mails_per_minute' " + where, 1, 100_000)
                : perMinute;
        Long webhooksPerMinute = e.containsKey("max_webhooks_per_minute")
                ? integer(e.get("max_webhooks_per_minute").value(), "'max_webhooks_per_minute' " + where, 1, 100_000)
                : perMinute;
        Duration drain = duration(e.get("drain_seconds"), "'drain_seconds' " + where, config.drain());
        String viewerUrl = optionalString(e.get("viewer_url"), "'viewer_url' " + where);
        if (viewerUrl != null && !viewerUrl.matches("https?://\\S+")) {
            problems.add(e.get("viewer_url").value().loc(), "'" + viewerUrl + "' is not an http(s) address for "
                    + "'viewer_url' " + where, "write where 'changegraph serve' is reached, e.g. http://cg.example.com:7070");
            viewerUrl = null;
        }
        Duration retryInitial = duration(e.get("retry_initial_seconds"), "'retry_initial_seconds' " + where,
                config.retryInitial());
        Duration retryMax = duration(e.get("retry_max_seconds"), "'retry_max_seconds' " + where, config.retryMax());
        MonitorConfig.Smtp smtp = e.containsKey("smtp") ? smtp(e.get("smtp").value()) : null;
        MonitorConfig.Webhook webhook = e.containsKey("webhook") ? webhook(e.get("webhook").value()) : null;
        Map<String, List<String>> bySeverity = new HashMap<>();
        if (e.containsKey("recipients")) {
            YMap recipients = map(e.get("recipients").value(), "'recipients' " + where);
            if (recipients != null) {
                List<String> severities = Arrays.stream(Severity.values()).map(Severity::wireName).toList();
                checkKeys(recipients, severities, "in 'alerts.recipients'");
                recipients.entries().forEach((severity, entry) -> bySeverity.put(severity,
                        recipients(entry.value(), "'" + severity + "' in 'alerts.recipients'")));
            }
        }
        if (retryMax.compareTo(retryInitial) < 0) {
            problems.add(alerts.loc(), "'retry_max_seconds' is shorter than 'retry_initial_seconds'",
                    "make retry_max_seconds >= retry_initial_seconds");
            return config;
        }
        return new MonitorConfig(log, outbox, window, mailsPerMinute == null ? 1 : mailsPerMinute.intValue(),
                webhooksPerMinute == null ? 1 : webhooksPerMinute.intValue(), retryInitial, retryMax, smtp, webhook,
                bySeverity, viewerUrl, drain);
    }

    private Map<String, List<String>> groups(YNode node) {
        YMap map = map(node, "'alerts.groups'");
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (map == null) {
            return out;
        }
        map.entries().forEach((name, entry) -> {
            List<String> addresses = new ArrayList<>();
            for (YScalar item : scalars(entry.value(), "group '" + name + "'")) {
                if (email(item, "group '" + name + "' in 'alerts.groups'")) {
                    addresses.add(item.text());
                }
            }
            out.put(name, List.copyOf(addresses));
        });
        return out;
    }

    private MonitorConfig.Smtp smtp(YNode node) {
        String where = "in 'alerts.smtp'";
        YMap smtp = section(node, where, SMTP_KEYS);
        if (smtp == null) {
            return null;
        }
        Map<String, YEntry> e = smtp.entries();
        String host = requiredString(smtp, "host", where);
        MonitorConfig.Tls tls = e.containsKey("tls")
                ? choice(e.get("tls").value(), "'tls' " + where, MonitorConfig.Tls.class) : MonitorConfig.Tls.STARTTLS;
        int defaultPort = tls == MonitorConfig.Tls.IMPLICIT ? 465 : tls == MonitorConfig.Tls.STARTTLS ? 587 : 25;
        Long port = e.containsKey("port") ? integer(e.get("port").value(), "'port' " + where, 1, 65535)
                : Long.valueOf(defaultPort);
        String username = optionalString(e.get("username"), "'username' " + where);
        String password = null;
        if (e.containsKey("password_env")) {
            String variable = optionalString(e.get("password_env"), "'password_env' " + where);
            password = variable == null ? null : environment.apply(variable);
            if (variable != null && password == null && username != null) {
                // not an error: the variable may be set only where the agent runs; the send will say so
                password = "";
            }
        }
        String from = requiredString(smtp, "from", where);
        if (from != null && e.containsKey("from")) {
            email((YScalar) e.get("from").value(), "'from' " + where);
        }
        String trust = optionalString(e.get("ssl_trust"), "'ssl_trust' " + where);
        Duration timeout = duration(e.get("timeout_seconds"), "'timeout_seconds' " + where, Duration.ofSeconds(10));
        if (host == null || from == null || tls == null || port == null) {
            return null;
        }
        return new MonitorConfig.Smtp(host, port.intValue(), tls, username, password, from, trust, timeout);
    }

    private MonitorConfig.Webhook webhook(YNode node) {
        String where = "in 'alerts.webhook'";
        YMap webhook = section(node, where, WEBHOOK_KEYS);
        if (webhook == null) {
            return null;
        }
        String url = requiredString(webhook, "url", where);
        Duration timeout = duration(webhook.entries().get("timeout_seconds"), "'timeout_seconds' " + where,
                Duration.ofSeconds(10));
        if (url == null) {
            return null;
        }
        try {
            URI uri = URI.create(url);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("scheme");
            }
            return new MonitorConfig.Webhook(uri, timeout);
        } catch (IllegalArgumentException bad) {
            problems.add(webhook.entries().get("url").value().loc(), "'" + url + "' is not an http(s) URL",
                    "write e.g. https://hooks.example.com/changegraph");
            return null;
        }
    }

    // ---- rules -------------------------------------------------------------------------------------

    private Rule rule(YNode node) {
        YMap rule = map(node, "a rule");
        if (rule == null) {
            return null;
        }
        Map<String, YEntry> e = rule.entries();
        String id = requiredString(rule, "id", "in a rule");
        if (id != null && !RULE_ID.matcher(id).matches()) {
            problems.add(e.get("id").value().loc(), "rule id '" + id + "' is not allowed",
                    "use lowercase letters, digits, '.', '-' and '_' (at most 64)");
        }
        String where = "in rule '" + (id == null ? "?" : id) + "'";
        if (e.containsKey("behaviour")) {
            return behaviourRule(rule, id, where);
        }
        checkKeys(rule, RULE_KEYS, where);
        Severity severity = e.containsKey("severity")
                ? choice(e.get("severity").value(), "'severity' " + where, Severity.class) : null;
        if (!e.containsKey("severity")) {
            problems.add(rule.loc(), "missing 'severity' " + where, "add severity: info, warning or critical");
        }
        String description = optionalString(e.get("description"), "'description' " + where);
        Set<Verb> verbs = e.containsKey("verbs") ? verbs(e.get("verbs").value(), "'verbs' " + where) : Set.of();
        if (!e.containsKey("verbs")) {
            problems.add(rule.loc(), "missing 'verbs' " + where, "list the verbs the rule watches, e.g. [unlink]");
        }
        Outcome outcome = e.containsKey("outcome")
                ? choice(e.get("outcome").value(), "'outcome' " + where, Outcome.class) : Outcome.ANY;
        Condition match = condition(rule, where);
        List<Condition> exceptions = new ArrayList<>();
        if (e.containsKey("exceptions")) {
            YList list = list(e.get("exceptions").value(), "'exceptions' " + where);
            for (YNode item : list == null ? List.<YNode>of() : list.items()) {
                YMap exception = map(item, "an exception of " + where.substring(3));
                if (exception != null) {
                    String exceptionWhere = "in an exception of " + where.substring(3);
                    checkKeys(exception, EXCEPTION_KEYS, exceptionWhere);
                    exceptions.add(condition(exception, exceptionWhere));
                }
            }
        }
        Sequence after = e.containsKey("after") ? after(e.get("after").value(), where) : null;
        Threshold threshold = e.containsKey("threshold") ? threshold(e.get("threshold").value(), where) : null;
        List<String> recipients = e.containsKey("recipients")
                ? recipients(e.get("recipients").value(), "'recipients' " + where) : List.of();
        if (id == null || severity == null || verbs.isEmpty() || outcome == null) {
            return null;
        }
        return new Rule(id, severity, description == null ? "" : description, verbs, outcome, match, exceptions,
                after, threshold, recipients, null);
    }

    /** A rule on summary behaviours: {@code behaviour: [kinds]}, {@code subject: [globs]}, exceptions on subjects. */
    private Rule behaviourRule(YMap rule, String id, String where) {
        Map<String, YEntry> e = rule.entries();
        rule.entries().forEach((key, entry) -> {
            if (RULE_KEYS.contains(key) && !BEHAVIOUR_RULE_KEYS.contains(key)) {
                problems.add(entry.keyLoc(), "'" + key + "' does not apply to a behaviour rule (" + where.substring(3)
                        + ")", "a behaviour rule has: " + String.join(", ", BEHAVIOUR_RULE_KEYS)
                        + "; watch events with a separate rule");
            }
        });
        checkKeys(rule, RULE_KEYS, where);
        Severity severity = e.containsKey("severity")
                ? choice(e.get("severity").value(), "'severity' " + where, Severity.class) : null;
        if (!e.containsKey("severity")) {
            problems.add(rule.loc(), "missing 'severity' " + where, "add severity: info, warning or critical");
        }
        String description = optionalString(e.get("description"), "'description' " + where);
        Set<String> kinds = words(e.get("behaviour"), BEHAVIOUR_KINDS, "'behaviour' " + where);
        List<Glob> subjects = globs(e.get("subject"), "'subject' " + where);
        List<Glob> except = new ArrayList<>();
        if (e.containsKey("exceptions")) {
            YList list = list(e.get("exceptions").value(), "'exceptions' " + where);
            for (YNode item : list == null ? List.<YNode>of() : list.items()) {
                YMap exception = map(item, "an exception of " + where.substring(3));
                if (exception != null) {
                    checkKeys(exception, List.of("subject"), "in an exception of " + where.substring(3));
                    except.addAll(globs(exception.entries().get("subject"), "'subject' in an exception of "
                            + where.substring(3)));
                }
            }
        }
        List<String> recipients = e.containsKey("recipients")
                ? recipients(e.get("recipients").value(), "'recipients' " + where) : List.of();
        if (id == null || severity == null || kinds.isEmpty()) {
            return null;
        }
        return new Rule(id, severity, description == null ? "" : description, Set.of(), Outcome.ANY, Condition.ANY,
                List.of(), null, null, recipients, new Rule.BehaviourMatch(kinds, subjects, except));
    }

    private Condition condition(YMap map, String where) {
        Map<String, YEntry> e = map.entries();
        ProcessMatcher subject = e.containsKey("subject") ? process(e.get("subject").value(), nested("subject", where))
                : ProcessMatcher.ANY;
        ObjectMatcher object = e.containsKey("object") ? object(e.get("object").value(), nested("object", where))
                : ObjectMatcher.ANY;
        ProcessMatcher ancestor = e.containsKey("ancestor")
                ? process(e.get("ancestor").value(), nested("ancestor", where)) : null;
        ProcessMatcher notAncestor = e.containsKey("not_ancestor")
                ? process(e.get("not_ancestor").value(), nested("not_ancestor", where)) : null;
        return new Condition(subject, object, ancestor, notAncestor);
    }

    private ProcessMatcher process(YNode node, String where) {
        YMap map = section(node, where, PROCESS_KEYS);
        if (map == null) {
            return ProcessMatcher.ANY;
        }
        Map<String, YEntry> e = map.entries();
        return new ProcessMatcher(globs(e.get("exe"), "'exe' " + where), regex(e.get("argv"), "'argv' " + where),
                idRanges(e.get("uid"), "'uid' " + where), idRanges(e.get("euid"), "'euid' " + where));
    }

    private ObjectMatcher object(YNode node, String where) {
        YMap map = section(node, where, OBJECT_KEYS);
        if (map == null) {
            return ObjectMatcher.ANY;
        }
        Map<String, YEntry> e = map.entries();
        Set<String> kinds = words(e.get("kind"), KINDS, "'kind' " + where);
        Set<String> families = words(e.get("family"), FAMILIES, "'family' " + where);
        List<Cidr> cidrs = each(e.get("address"), "'address' " + where, item -> {
            try {
                return Cidr.parse(item.text());
            } catch (IllegalArgumentException bad) {
                problems.add(item.loc(), "bad CIDR '" + item.text() + "' for 'address' " + where + ": "
                        + bad.getMessage(), "write an address or network such as 10.0.0.0/8, 127.0.0.1 or ::1/128");
                return null;
            }
        });
        List<PortRange> ports = each(e.get("port"), "'port' " + where, item -> portRange(item, "'port' " + where));
        Set<Integer> pids = ints(e.get("pid"), "'pid' " + where);
        Boolean inSession = e.containsKey("in_session") ? bool(e.get("in_session").value(), "'in_session' " + where)
                : null;
        int mode = 0;
        for (String name : words(e.get("mode"), MODE_BITS.keySet().stream().sorted().toList(), "'mode' " + where)) {
            mode |= MODE_BITS.get(name);
        }
        return new ObjectMatcher(kinds, globs(e.get("path"), "'path' " + where),
                regex(e.get("path_regex"), "'path_regex' " + where), globs(e.get("name"), "'name' " + where),
                families, cidrs, ports, pids, inSession, mode, regex(e.get("detail"), "'detail' " + where),
                globs(e.get("remote_name"), "'remote_name' " + where),
                words(e.get("outcome"), ObjectMatcher.OUTCOMES, "'outcome' " + where));
    }

    private Sequence after(YNode node, String ruleWhere) {
        String where = nested("after", ruleWhere);
        YMap map = section(node, where, AFTER_KEYS);
        if (map == null) {
            return null;
        }
        Map<String, YEntry> e = map.entries();
        Set<Verb> verbs = e.containsKey("verbs") ? verbs(e.get("verbs").value(), "'verbs' " + where) : Set.of();
        if (!e.containsKey("verbs")) {
            problems.add(map.loc(), "missing 'verbs' " + where, "list the earlier verbs, e.g. [write, create]");
        }
        ProcessMatcher subject = e.containsKey("subject") ? process(e.get("subject").value(), nested("subject", where))
                : ProcessMatcher.ANY;
        ObjectMatcher object = e.containsKey("object") ? object(e.get("object").value(), nested("object", where))
                : ObjectMatcher.ANY;
        Boolean sameObject = e.containsKey("same_object")
                ? bool(e.get("same_object").value(), "'same_object' " + where) : Boolean.FALSE;
        Boolean sameProcess = e.containsKey("same_process")
                ? bool(e.get("same_process").value(), "'same_process' " + where) : Boolean.FALSE;
        Boolean sameLineage = e.containsKey("same_lineage")
                ? bool(e.get("same_lineage").value(), "'same_lineage' " + where) : Boolean.FALSE;
        if (Boolean.TRUE.equals(sameProcess) && Boolean.TRUE.equals(sameLineage)) {
            problems.add(e.get("same_lineage").keyLoc(), "'same_process' and 'same_lineage' together " + where,
                    "keep one: same_process is the narrower");
        }
        Duration within = duration(e.get("within_seconds"), "'within_seconds' " + where, Duration.ofHours(1));
        return new Sequence(verbs, subject, object, Boolean.TRUE.equals(sameObject), Boolean.TRUE.equals(sameProcess),
                Boolean.TRUE.equals(sameLineage), within);
    }

    private Threshold threshold(YNode node, String ruleWhere) {
        String where = nested("threshold", ruleWhere);
        YMap map = section(node, where, THRESHOLD_KEYS);
        if (map == null) {
            return null;
        }
        Map<String, YEntry> e = map.entries();
        Long moreThan = null;
        if (e.containsKey("more_than")) {
            moreThan = integer(e.get("more_than").value(), "'more_than' " + where, 0, 1_000_000_000);
        } else {
            problems.add(map.loc(), "missing 'more_than' " + where, "say how many behaviours are too many, e.g. 100");
        }
        if (!e.containsKey("window_seconds")) {
            problems.add(map.loc(), "missing 'window_seconds' " + where, "say over how long they count, e.g. 10");
        }
        Duration window = duration(e.get("window_seconds"), "'window_seconds' " + where, Duration.ofSeconds(10));
        boolean perProcess = false;
        if (e.containsKey("per")) {
            Set<String> per = words(e.get("per"), List.of("process", "session"), "'per' " + where);
            perProcess = per.contains("process");
        }
        return moreThan == null ? null : new Threshold(moreThan, window, perProcess);
    }

    private List<String> recipients(YNode node, String where) {
        List<String> out = new ArrayList<>();
        for (YScalar item : scalars(node, where)) {
            String text = item.text();
            if (text.contains("@")) {
                if (email(item, where)) {
                    out.add(text);
                }
            } else if (groups.containsKey(text)) {
                out.addAll(groups.get(text));
            } else {
                problems.add(item.loc(), "unknown recipient group '" + text + "' for " + where,
                        groups.isEmpty() ? "define it under alerts.groups, or write a mail address"
                                : "known groups: " + String.join(", ", groups.keySet()) + "; or write a mail address");
            }
        }
        return out.stream().distinct().toList();
    }

    // ---- typed values ------------------------------------------------------------------------------

    /** "in rule 'x'" and "subject" give "in 'subject' of rule 'x'". */
    private static String nested(String key, String where) {
        return "in '" + key + "' of " + where.substring("in ".length());
    }

    private void checkKeys(YMap map, List<String> known, String where) {
        map.entries().forEach((key, entry) -> {
            if (!known.contains(key)) {
                problems.add(entry.keyLoc(), "unknown key '" + key + "' " + where,
                        "known keys: " + String.join(", ", known));
            }
        });
    }

    /** A mapping whose keys must be among {@code known}; null (reported) when the node is not a mapping. */
    private YMap section(YNode node, String where, List<String> known) {
        YMap map = map(node, where);
        if (map != null) {
            checkKeys(map, known, where);
        }
        return map;
    }

    private YMap map(YNode node, String what) {
        if (node instanceof YMap map) {
            return map;
        }
        String subject = what.startsWith("in ") ? "the value " + what : what;
        problems.add(node.loc(), subject + " must be a mapping (key: value lines), not " + node.describe(), null);
        return null;
    }

    private YList list(YNode node, String what) {
        if (node instanceof YList list) {
            return list;
        }
        problems.add(node.loc(), what + " must be a list, not " + node.describe(), "write [a, b] or lines '- a'");
        return null;
    }

    /** A scalar or a list of scalars (a single value stands for a one-element list). */
    private List<YScalar> scalars(YNode node, String what) {
        if (node instanceof YScalar scalar && scalar.token() != JsonToken.VALUE_NULL) {
            return List.of(scalar);
        }
        if (node instanceof YList list) {
            List<YScalar> out = new ArrayList<>();
            for (YNode item : list.items()) {
                if (item instanceof YScalar scalar && scalar.token() != JsonToken.VALUE_NULL) {
                    out.add(scalar);
                } else {
                    problems.add(item.loc(), "entries of " + what + " must be single values, not " + item.describe(),
                            null);
                }
            }
            return out;
        }
        problems.add(node.loc(), what + " must be a value or a list of values, not " + node.describe(), null);
        return List.of();
    }

    private String requiredString(YMap map, String key, String where) {
        YEntry entry = map.entries().get(key);
        if (entry == null) {
            problems.add(map.loc(), "missing '" + key + "' " + where, null);
            return null;
        }
        return optionalString(entry, "'" + key + "' " + where);
    }

    private String optionalString(YEntry entry, String what) {
        if (entry == null) {
            return null;
        }
        if (entry.value() instanceof YScalar scalar && scalar.token() != JsonToken.VALUE_NULL
                && !scalar.text().isBlank()) {
            return scalar.text();
        }
        problems.add(entry.value().loc(), what + " must be a non-empty text, not " + entry.value().describe(), null);
        return null;
    }

    private Long integer(YNode node, String what, long min, long max) {
        if (node instanceof YScalar scalar && scalar.token() == JsonToken.VALUE_NUMBER_INT) {
            try {
                long value = Long.parseLong(scalar.text());
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException tooBig) {
                // reported below
            }
        }
        problems.add(node.loc(), what + " must be a whole number from " + min + " to " + max + ", not "
                + node.describe(), null);
        return null;
    }

    private Duration duration(YEntry entry, String what, Duration fallback) {
        if (entry == null) {
            return fallback;
        }
        if (entry.value() instanceof YScalar scalar && scalar.isNumber()) {
            try {
                double seconds = Double.parseDouble(scalar.text());
                if (seconds >= 0 && seconds <= 7 * 24 * 3600) {
                    return Duration.ofNanos((long) (seconds * 1e9));
                }
            } catch (NumberFormatException impossible) {
                // reported below
            }
        }
        problems.add(entry.value().loc(), what + " must be a number of seconds from 0 to 604800, not "
                + entry.value().describe(), "fractions are allowed, e.g. 0.5");
        return fallback;
    }

    private Boolean bool(YNode node, String what) {
        if (node instanceof YScalar scalar
                && (scalar.token() == JsonToken.VALUE_TRUE || scalar.token() == JsonToken.VALUE_FALSE)) {
            return scalar.token() == JsonToken.VALUE_TRUE;
        }
        problems.add(node.loc(), what + " must be true or false, not " + node.describe(), null);
        return null;
    }

    private <E extends Enum<E>> E choice(YNode node, String what, Class<E> type) {
        List<String> allowed = Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
        if (node instanceof YScalar scalar && allowed.contains(scalar.text())) {
            return Enum.valueOf(type, scalar.text().toUpperCase(Locale.ROOT));
        }
        problems.add(node.loc(), what + " must be one of " + String.join(", ", allowed) + ", not " + node.describe(),
                null);
        return null;
    }

    private Set<Verb> verbs(YNode node, String what) {
        Set<Verb> out = EnumSet.noneOf(Verb.class);
        for (YScalar item : scalars(node, what)) {
            try {
                out.add(Verb.fromWire(item.text()));
            } catch (IllegalArgumentException unknown) {
                problems.add(item.loc(), "unknown verb '" + item.text() + "' for " + what, "known verbs: "
                        + Arrays.stream(Verb.values()).map(Verb::wireName).collect(Collectors.joining(", ")));
            }
        }
        return out;
    }

    private Set<String> words(YEntry entry, List<String> allowed, String where) {
        return new HashSet<>(each(entry, where, item -> {
            if (allowed.contains(item.text())) {
                return item.text();
            }
            problems.add(item.loc(), "'" + item.text() + "' is not allowed for " + where,
                    "allowed: " + String.join(", ", allowed));
            return null;
        }));
    }

    /**
     * Converts each value of a single value or list; {@code convert} reports its own problem and returns
     * null for a bad value, which is left out. An absent entry is an empty list.
     */
    private <T> List<T> each(YEntry entry, String where, Function<YScalar, T> convert) {
        List<T> out = new ArrayList<>();
        if (entry == null) {
            return out;
        }
        for (YScalar item : scalars(entry.value(), where)) {
            T value = convert.apply(item);
            if (value != null) {
                out.add(value);
            }
        }
        return out;
    }

    private List<Glob> globs(YEntry entry, String where) {
        return each(entry, where, item -> {
            try {
                return Glob.of(item.text());
            } catch (IllegalArgumentException bad) {
                problems.add(item.loc(), "bad glob '" + item.text() + "' for " + where + ": "
                        + YamlTree.firstLine(bad.getMessage()),
                        "use * within a directory, ** across directories, ? for one character, [abc], {a,b}");
                return null;
            }
        });
    }

    private Pattern regex(YEntry entry, String where) {
        if (entry == null) {
            return null;
        }
        if (!(entry.value() instanceof YScalar scalar) || scalar.token() == JsonToken.VALUE_NULL) {
            problems.add(entry.value().loc(), where + " must be one regex text, not "
                    + entry.value().describe(), "quote it: 'x+'");
            return null;
        }
        try {
            return Pattern.compile(scalar.text());
        } catch (PatternSyntaxException bad) {
            problems.add(scalar.loc(), "bad regex '" + scalar.text() + "' for " + where + ": " + bad.getDescription()
                    + (bad.getIndex() >= 0 ? " near index " + bad.getIndex() : ""),
                    "Java regex syntax; quote the value in single quotes to keep backslashes");
            return null;
        }
    }

    private Set<Integer> ints(YEntry entry, String where) {
        return new HashSet<>(each(entry, where, item -> {
            Long value = integer(item, "entries of " + where, 0, Integer.MAX_VALUE);
            return value == null ? null : value.intValue();
        }));
    }

    /** Ids ({@code 0}) or inclusive ranges ({@code 1000-65000}); YAML reads {@code [1000-65000]} as one text. */
    private List<ProcessMatcher.IdRange> idRanges(YEntry entry, String where) {
        return each(entry, where, item -> {
            String text = item.text().strip();
            java.util.regex.Matcher m = ID_RANGE.matcher(text);
            if (m.matches()) {
                long low = Long.parseLong(m.group(1));
                long high = m.group(2) == null ? low : Long.parseLong(m.group(2));
                if (low <= high && high <= 0xFFFF_FFFFL) {
                    return new ProcessMatcher.IdRange(low, high);
                }
            }
            problems.add(item.loc(), "bad id '" + text + "' for " + where,
                    "write a number such as 0 or an ascending range such as 1000-65000");
            return null;
        });
    }

    private PortRange portRange(YScalar item, String where) {
        String text = item.text().strip();
        try {
            int dash = text.indexOf('-');
            if (text.matches("\\d{1,5}")) {
                return new PortRange(Integer.parseInt(text), Integer.parseInt(text));
            }
            if (dash > 0 && text.matches("\\d{1,5}-\\d{1,5}")) {
                return new PortRange(Integer.parseInt(text.substring(0, dash)),
                        Integer.parseInt(text.substring(dash + 1)));
            }
        } catch (IllegalArgumentException bad) {
            // reported below
        }
        problems.add(item.loc(), "bad port '" + text + "' for " + where,
                "write a port 0-65535 or an ascending range such as 1-1023");
        return null;
    }

    private Path path(YNode node, String what) {
        if (node instanceof YScalar scalar && scalar.token() == JsonToken.VALUE_STRING && !scalar.text().isBlank()) {
            try {
                return Path.of(scalar.text());
            } catch (RuntimeException bad) {
                // reported below
            }
        }
        problems.add(node.loc(), what + " must be a file path, not " + node.describe(), null);
        return null;
    }

    private boolean email(YScalar item, String where) {
        try {
            new InternetAddress(item.text(), true).validate();
            return true;
        } catch (AddressException bad) {
            problems.add(item.loc(), "bad mail address '" + item.text() + "' for " + where,
                    "write name@example.com");
            return false;
        }
    }

    private static Map<String, Integer> modeBits() {
        return Map.of("setuid", 04000, "setgid", 02000, "sticky", 01000, "world_writable", 0002,
                "group_writable", 0020, "executable", 0111);
    }
}
