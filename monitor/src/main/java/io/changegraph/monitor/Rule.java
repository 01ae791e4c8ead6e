package io.changegraph.monitor;

import io.changegraph.repository.model.Verb;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One validated rule of rules.yaml. A behaviour is a hit when its verb is one of {@code verbs}, the
 * outcome fits, {@code match} holds, no exception holds, the {@code after} sequence (if any) was seen
 * earlier in the session, and the {@code threshold} (if any) is crossed.
 *
 * @param recipients mail addresses, group names already resolved; empty means "by severity"
 */
record Rule(String id, Severity severity, String description, Set<Verb> verbs, Outcome outcome, Condition match,
            List<Condition> exceptions, Sequence after, Threshold threshold, List<String> recipients,
            BehaviourMatch behaviour) {

    Rule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(severity, "severity");
        verbs = Set.copyOf(verbs);
        exceptions = List.copyOf(exceptions);
        recipients = List.copyOf(recipients);
        if (behaviour != null && !verbs.isEmpty()) {
            throw new IllegalArgumentException("a rule watches verbs or behaviours, not both: " + id);
        }
    }

    /**
     * A rule on the session summary's behaviours ({@code package.install}, {@code user.add}, ...) instead
     * of events: one of {@code kinds}, its subject matching one of {@code subjects} (any when empty) and
     * none of {@code exceptSubjects}.
     */
    record BehaviourMatch(Set<String> kinds, List<Glob> subjects, List<Glob> exceptSubjects) {
        BehaviourMatch {
            kinds = Set.copyOf(kinds);
            subjects = List.copyOf(subjects);
            exceptSubjects = List.copyOf(exceptSubjects);
        }

        boolean matches(String kind, String subject) {
            return kinds.contains(kind) && (subjects.isEmpty() || ProcessMatcher.anyGlob(subjects, subject))
                    && !ProcessMatcher.anyGlob(exceptSubjects, subject);
        }
    }

    enum Severity {
        INFO, WARNING, CRITICAL;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Which attempts count: successful calls, failed ones, or both. */
    enum Outcome {
        ANY, SUCCESS, FAILED
    }

    /**
     * Subject, object and ancestry conditions. {@code ancestor} must hold for the subject or one of its
     * ancestors, {@code notAncestor} for none of them ("not under dpkg").
     */
    record Condition(ProcessMatcher subject, ObjectMatcher object, ProcessMatcher ancestor,
                     ProcessMatcher notAncestor) {
        static final Condition ANY = new Condition(ProcessMatcher.ANY, ObjectMatcher.ANY, null, null);

        boolean needsAncestry() {
            return ancestor != null || notAncestor != null;
        }
    }

    /**
     * An earlier behaviour in the same session that must have happened within {@code within} before
     * this one: e.g. verbs {@code write} on the same object ("wrote a file then executed it").
     * {@code sameLineage}: the earlier behaviour's process is this one's process or one of its ancestors
     * (a secret read by a shell joins its child's connect, not an unrelated sibling's).
     */
    record Sequence(Set<Verb> verbs, ProcessMatcher subject, ObjectMatcher object, boolean sameObject,
                    boolean sameProcess, boolean sameLineage, Duration within) {
        Sequence {
            verbs = Set.copyOf(verbs);
        }
    }

    /** More than {@code moreThan} matching behaviours within {@code window}, per session or per process. */
    record Threshold(long moreThan, Duration window, boolean perProcess) {
    }
}
