package io.changegraph.monitor;

import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.ObjectRef;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Verb;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * Evaluates rules on events. Rules are indexed by verb, so an event costs nothing for rules that do
 * not watch its verb. Per-session state (earlier behaviours for {@code after}, counting windows for
 * {@code threshold}) lives here, bounded, keyed by session id; time is the events' own time, so live
 * and offline evaluation agree.
 */
final class RuleEngine {
    /** Most remembered earlier behaviours per rule and session; the oldest are forgotten first. */
    static final int MEMORY_PER_RULE = 65_536;

    private final List<Rule> rules;
    private final Map<Verb, int[]> watching = new EnumMap<>(Verb.class);
    /** the watchers of a verb narrowed by path prefix ({@link RuleIndex}): thousands of rules stay cheap */
    private final Map<Verb, RuleIndex> byPath = new EnumMap<>(Verb.class);
    private final Map<Verb, int[]> remembering = new EnumMap<>(Verb.class);
    private final Map<String, SessionState> sessions = new ConcurrentHashMap<>();
    private volatile LastSession last;

    RuleEngine(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        for (Verb verb : Verb.values()) {
            watching.put(verb, indexes(r -> r.verbs().contains(verb)));
            byPath.put(verb, new RuleIndex(this.rules, watching.get(verb)));
            remembering.put(verb, indexes(r -> r.after() != null && r.after().verbs().contains(verb)));
        }
    }

    private int[] indexes(Predicate<Rule> test) {
        return IntStream.range(0, rules.size()).filter(i -> test.test(rules.get(i))).toArray();
    }

    /** The hits of one event, in rule order; updates the session's state. */
    List<Hit> evaluate(Event event, SessionContext context) {
        int[] watchers = byPath.get(event.verb()).candidates(event);
        int[] rememberers = remembering.get(event.verb());
        if (watchers.length == 0 && rememberers.length == 0) {
            return List.of();
        }
        SessionState state = stateOf(context.sessionId());
        long now = nanos(event.time());
        List<Hit> hits = List.of();
        synchronized (state) {
            Ancestry ancestry = new Ancestry(event.subject(), context);
            for (int index : watchers) {
                Rule rule = rules.get(index);
                if (matches(rule, index, event, ancestry, state, now)) {
                    if (hits.isEmpty()) {
                        hits = new ArrayList<>(2);
                    }
                    hits.add(hit(rule, event, ancestry.list(), context));
                }
            }
            for (int index : rememberers) {
                Rule.Sequence after = rules.get(index).after();
                if (after.subject().matches(event.subject())
                        && after.object().matches(event.object(), event.detail(), event.verb().detailIsPath(),
                        event.net())) {
                    long[] seen = state.memory(index).computeIfAbsent(
                            sequenceKey(after, event.subject(), event.object()), k -> new long[1]);
                    seen[0] = now;
                }
            }
        }
        return hits;
    }

    /** Forgets a session's state. */
    void endSession(String sessionId) {
        sessions.remove(sessionId);
        last = null;
    }

    /** The session's state; the last one used is remembered, as events of one session come in runs. */
    private SessionState stateOf(String sessionId) {
        LastSession recent = last;
        if (recent != null && recent.id().equals(sessionId)) {
            return recent.state();
        }
        SessionState state = sessions.computeIfAbsent(sessionId, id -> new SessionState(rules.size()));
        last = new LastSession(sessionId, state);
        return state;
    }

    private record LastSession(String id, SessionState state) {
    }

    private boolean matches(Rule rule, int index, Event event, Ancestry ancestry, SessionState state, long now) {
        if (rule.outcome() == Rule.Outcome.SUCCESS && event.failed() == event.count()
                || rule.outcome() == Rule.Outcome.FAILED && event.failed() == 0) {
            return false;
        }
        if (!holds(rule.match(), event, ancestry)) {
            return false;
        }
        for (Rule.Condition exception : rule.exceptions()) {
            if (holds(exception, event, ancestry)) {
                return false;
            }
        }
        Rule.Sequence after = rule.after();
        if (after != null && !seenBefore(after, state.memory(index), event, ancestry, now)) {
            return false;
        }
        Rule.Threshold threshold = rule.threshold();
        return threshold == null || state.window(index, threshold.perProcess() ? processKey(event.subject()) : "")
                .crossed(now, event.count(), threshold);
    }

    /** The earlier behaviour was seen within its time: by this process or (same_lineage) an ancestor. */
    private static boolean seenBefore(Rule.Sequence after, Bounded<long[]> memory, Event event, Ancestry ancestry,
                                      long now) {
        if (within(memory.get(sequenceKey(after, event.subject(), event.object())), after, now)) {
            return true;
        }
        if (after.sameLineage()) {
            for (ProcessNode ancestor : ancestry.list()) {
                if (within(memory.get(sequenceKey(after, ancestor, event.object())), after, now)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean within(long[] earlier, Rule.Sequence after, long now) {
        return earlier != null && earlier[0] <= now && now - earlier[0] <= after.within().toNanos();
    }

    private static boolean holds(Rule.Condition condition, Event event, Ancestry ancestry) {
        if (!condition.subject().matches(event.subject())) {
            return false;
        }
        if (!condition.object().matches(event.object(), event.detail(), event.verb().detailIsPath(), event.net())) {
            return false;
        }
        if (condition.ancestor() != null && !ancestry.any(condition.ancestor())) {
            return false;
        }
        return condition.notAncestor() == null || !ancestry.any(condition.notAncestor());
    }

    private static Hit hit(Rule rule, Event event, List<ProcessNode> ancestors, SessionContext context) {
        String object = Hit.describe(event.object(), event.verb(), event.detail());
        String description = rule.description();
        if (rule.threshold() != null) {
            description = description + " (more than " + rule.threshold().moreThan() + " in "
                    + rule.threshold().window().toMillis() / 1000.0 + " s)";
        }
        // a count over a window is about the process, not about the one edge that crossed it
        Alert alert = rule.threshold() != null
                ? new Alert(rule.id(), rule.severity().wireName(), description, event.subject().id(), null, null,
                        null, event.time())
                : new Alert(rule.id(), rule.severity().wireName(), description, null, event.subject().id(),
                        event.verb(), context.targetId(event), event.time());
        return new Hit(facts(context), rule, alert, event.subject(), ancestors, event.verb(), object,
                event.failed() > 0, event.count());
    }

    private static SessionFacts facts(SessionContext context) {
        try {
            SessionFacts facts = context.facts();
            if (facts != null && facts.id().equals(context.sessionId())) {
                return facts;
            }
        } catch (RuntimeException brokenContext) {
            // the id is enough to send the alert
        }
        return SessionFacts.of(context.sessionId());
    }

    private static String sequenceKey(Rule.Sequence after, ProcessNode subject, ObjectRef object) {
        if (!after.sameObject() && !after.sameProcess() && !after.sameLineage()) {
            return "";
        }
        String objectKey = after.sameObject() ? objectKey(object) : "";
        return after.sameProcess() || after.sameLineage() ? processKey(subject) + "|" + objectKey : objectKey;
    }

    /** Objects are the same when they have the same path; a process object stands for its executable. */
    private static String objectKey(ObjectRef object) {
        return switch (object) {
            case FileRef file -> file.path();
            case ProcessNode process -> process.exe();
            case RemoteNode remote -> remote.family() + "|" + remote.address() + "|" + remote.port();
            case ModuleNode module -> "module|" + module.name();
        };
    }

    private static String processKey(ProcessNode process) {
        return process.pid() + "@" + process.startNs();
    }

    static long nanos(Instant time) {
        return time.getEpochSecond() * 1_000_000_000L + time.getNano();
    }

    /** The subject's ancestry, fetched from the context at most once per event and only when needed. */
    private static final class Ancestry {
        private final ProcessNode subject;
        private final SessionContext context;
        private List<ProcessNode> ancestors;

        Ancestry(ProcessNode subject, SessionContext context) {
            this.subject = subject;
            this.context = context;
        }

        List<ProcessNode> list() {
            if (ancestors == null) {
                try {
                    ancestors = context.ancestors(subject);
                } catch (RuntimeException brokenContext) {
                    ancestors = List.of();
                }
            }
            return ancestors;
        }

        /** True when the subject itself or one of its ancestors matches. */
        boolean any(ProcessMatcher matcher) {
            if (matcher.matches(subject)) {
                return true;
            }
            for (ProcessNode ancestor : list()) {
                if (matcher.matches(ancestor)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** State of one session: earlier behaviours and counting windows, per rule index. */
    private static final class SessionState {
        private final List<Bounded<long[]>> memories;
        private final List<Bounded<Window>> windows;

        SessionState(int rules) {
            memories = new ArrayList<>(Collections.nCopies(rules, null));
            windows = new ArrayList<>(Collections.nCopies(rules, null));
        }

        /** When each remembered earlier behaviour was last seen (one-element arrays, updated in place). */
        Bounded<long[]> memory(int rule) {
            Bounded<long[]> memory = memories.get(rule);
            if (memory == null) {
                memory = new Bounded<>();
                memories.set(rule, memory);
            }
            return memory;
        }

        Window window(int rule, String key) {
            Bounded<Window> byKey = windows.get(rule);
            if (byKey == null) {
                byKey = new Bounded<>();
                windows.set(rule, byKey);
            }
            return byKey.computeIfAbsent(key, k -> new Window());
        }
    }

    /** At most {@link #MEMORY_PER_RULE} entries; the first inserted are forgotten first. */
    private static final class Bounded<V> extends LinkedHashMap<String, V> {
        Bounded() {
            super(1024);
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
            return size() > MEMORY_PER_RULE;
        }
    }

    /** A sliding count over a time window; fires once when crossed, then starts again from zero. */
    private static final class Window {
        private final ArrayDeque<long[]> entries = new ArrayDeque<>();
        private long sum;

        boolean crossed(long now, long count, Rule.Threshold threshold) {
            long horizon = now - threshold.window().toNanos();
            while (!entries.isEmpty() && entries.peekFirst()[0] < horizon) {
                sum -= entries.pollFirst()[1];
            }
            entries.addLast(new long[] {now, count});
            sum += count;
            if (sum > threshold.moreThan()) {
                entries.clear();
                sum = 0;
                return true;
            }
            return false;
        }
    }
}
