package io.changegraph.hub;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The filters of {@code GET /api/v1/fleet/sessions}: host and command globs ({@code *} any run of characters,
 * {@code ?} one), the user name, sessions started since an instant, and at most {@code limit} rows.
 *
 * @param host    host glob, or null for every host
 * @param user    user name (exact), or null
 * @param since   earliest start, or null
 * @param command glob over the command line (argv joined by spaces), also tried with argv[0] cut to its
 *                file name, so {@code deploy.sh*} matches {@code examples/deploy.sh --env canary}; or null
 * @param uid     only sessions of this owner uid (role {@code user}), or null
 * @param limit   1..{@value #MAX_LIMIT}
 */
record SessionFilter(String host, String user, Instant since, String command, Integer uid, int limit) {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;
    private static final Pattern AGO = Pattern.compile("(\\d{1,9})([smhdw])");

    SessionFilter {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit " + limit + " is out of range: give 1-" + MAX_LIMIT);
        }
        host = blankToNull(host);
        user = blankToNull(user);
        command = blankToNull(command);
    }

    SessionFilter withUid(Integer ownerUid) {
        return new SessionFilter(host, user, since, command, ownerUid, limit);
    }

    /** {@code since}: a duration back from {@code now} ({@code 30m}, {@code 6h}, {@code 1d}, {@code 2w}) or an instant. */
    static Instant since(String text, Instant now) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Matcher m = AGO.matcher(text.strip());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration unit = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                case "h" -> Duration.ofHours(1);
                case "d" -> Duration.ofDays(1);
                default -> Duration.ofDays(7);
            };
            return now.minus(unit.multipliedBy(n));
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("since '" + text + "' is neither a duration (30m, 6h, 1d, 2w) nor an"
                    + " instant (2026-12-06T08:00:00Z)");
        }
    }

    static int limit(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit '" + text + "' is not a whole number: give 1-" + MAX_LIMIT);
        }
    }

    /** A glob as a LIKE pattern with {@code \} as the escape character. */
    static String like(String glob) {
        StringBuilder out = new StringBuilder(glob.length() + 4);
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> out.append('%');
                case '?' -> out.append('_');
                case '%', '_', '\\' -> out.append('\\').append(c);
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
