package io.changegraph.repository.io;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * Makes user-controlled text safe for a terminal or a log: every C0 control (ESC included), DEL, C1 control,
 * and the Unicode line separators and bidirectional overrides are written as {@code \}{@code uXXXX}, so a file
 * name or argv cannot clear a screen, retitle a window, forge a log line or reorder what is shown. The escape is
 * the JSON and Cypher one, so escaping JSON or Cypher text keeps its meaning. Text without such characters is
 * returned as it is.
 */
public final class TerminalText {
    private TerminalText() {
    }

    /** For one line (a table cell, a log message): newlines and tabs are escaped too. */
    public static String line(String text) {
        return escape(text, false);
    }

    /** For text of several lines (a report): newlines and tabs are kept, everything else escaped. */
    public static String lines(String text) {
        return escape(text, true);
    }

    /** True when {@code c} would be escaped in a line. */
    public static boolean isUnsafe(char c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029 || c >= 0x202a && c <= 0x202e
                || c >= 0x2066 && c <= 0x2069 || c == 0x200e || c == 0x200f || c == 0x061c;
    }

    /** A writer that passes text on as {@link #lines(String)} would write it. */
    public static Writer lines(Writer out) {
        return new FilterWriter(out) {
            @Override
            public void write(int c) throws IOException {
                write(String.valueOf((char) c));
            }

            @Override
            public void write(char[] buffer, int offset, int length) throws IOException {
                write(new String(buffer, offset, length));
            }

            @Override
            public void write(String text, int offset, int length) throws IOException {
                out.write(escape(text.substring(offset, offset + length), true));
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    private static String escape(String text, boolean keepLines) {
        if (text == null) {
            return null;
        }
        int i = 0;
        int n = text.length();
        while (i < n && (!isUnsafe(text.charAt(i)) || keepLines && isLayout(text.charAt(i)))) {
            i++;
        }
        if (i == n) {
            return text;
        }
        StringBuilder out = new StringBuilder(n + 16).append(text, 0, i);
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (isUnsafe(c) && !(keepLines && isLayout(c))) {
                out.append("\\u").append(String.format("%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isLayout(char c) {
        return c == '\n' || c == '\t';
    }
}
