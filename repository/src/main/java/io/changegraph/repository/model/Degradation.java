package io.changegraph.repository.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One self-protection step the recorder took while a session was recorded (docs/ops.md): from {@code start}
 * to {@code end} (null while it is still on) the recorder recorded less, on purpose, because it cost the host
 * too much. Steps nest: level 2 is only ever on while level 1 is.
 *
 * @param level  1 no per-call detail, 2 also no payload/DNS capture, 3 also no new non-interactive subtrees
 * @param step   the level's name: {@code detail}, {@code payload} or {@code subtrees}
 * @param start  when the step was taken
 * @param end    when it was undone (recovery), or null while it is on
 * @param reason why, e.g. {@code cpu 7.9% >= 5.0% for 5 samples}
 */
public record Degradation(int level, String step, Instant start, Instant end, String reason) {
    /** The step names, by level (index 0 unused). */
    private static final String[] STEPS = {"", "detail", "payload", "subtrees"};
    public static final int MAX_LEVEL = STEPS.length - 1;

    public Degradation {
        if (level < 1 || level > MAX_LEVEL) {
            throw new IllegalArgumentException("degradation level must be 1 to " + MAX_LEVEL + ", not " + level);
        }
        if (!STEPS[level].equals(step)) {
            throw new IllegalArgumentException("degradation level " + level + " is '" + STEPS[level] + "', not '" + step
                    + "'");
        }
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(reason, "reason");
        if (end != null && end.isBefore(start)) {
            throw new IllegalArgumentException("degradation ends before it starts");
        }
    }

    /** A step taken at {@code start}, still on. */
    public static Degradation started(int level, Instant start, String reason) {
        if (level < 1 || level > MAX_LEVEL) {
            throw new IllegalArgumentException("degradation level must be 1 to " + MAX_LEVEL + ", not " + level);
        }
        return new Degradation(level, STEPS[level], start, null, reason);
    }

    /** This step, undone at {@code time}. */
    public Degradation endedAt(Instant time) {
        return new Degradation(level, step, start, time, reason);
    }

    /** Whether the step was on at some time in [from, to] (to null: open-ended). */
    public boolean overlaps(Instant from, Instant to) {
        return (end == null || !end.isBefore(from)) && (to == null || !start.isAfter(to));
    }
}
