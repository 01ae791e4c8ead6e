package io.changegraph.repository.formats;

import java.time.Instant;
import java.time.LocalDate;

/**
 * {@link Instant#toString()} without the formatter: the graph writer prints two times per edge, and
 * {@code DateTimeFormatter.ISO_INSTANT} costs about a microsecond each. Same text: {@code
 * 2026-11-21T20:00:01.123456789Z}, the fraction in groups of three digits as needed; times before 1970
 * or after 9999 go to {@code Instant.toString()}.
 */
public final class Times {
    private static final long MAX_SECOND = 253_402_300_799L;   // 9999-12-31T23:59:59Z

    /** The last day formatted, reused while times fall on it (a recording spans few days). */
    private static volatile Day lastDay = new Day(Long.MIN_VALUE, "");

    private record Day(long epochDay, String text) {
    }

    private Times() {
    }

    static String iso(Instant time) {
        long seconds = time.getEpochSecond();
        if (seconds < 0 || seconds > MAX_SECOND) {
            return time.toString();
        }
        long epochDay = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        Day day = lastDay;
        if (day.epochDay() != epochDay) {
            day = new Day(epochDay, LocalDate.ofEpochDay(epochDay).toString());
            lastDay = day;
        }
        StringBuilder out = new StringBuilder(30).append(day.text()).append('T');
        two(out, secondOfDay / 3600).append(':');
        two(out, secondOfDay / 60 % 60).append(':');
        two(out, secondOfDay % 60);
        int nanos = time.getNano();
        if (nanos > 0) {
            out.append('.');
            if (nanos % 1_000_000 == 0) {
                digits(out, nanos / 1_000_000, 3);
            } else if (nanos % 1000 == 0) {
                digits(out, nanos / 1000, 6);
            } else {
                digits(out, nanos, 9);
            }
        }
        return out.append('Z').toString();
    }

    private static StringBuilder two(StringBuilder out, int value) {
        return out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    private static void digits(StringBuilder out, int value, int width) {
        String text = Integer.toString(value);
        for (int i = text.length(); i < width; i++) {
            out.append('0');
        }
        out.append(text);
    }
}
