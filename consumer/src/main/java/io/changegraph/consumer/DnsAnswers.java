package io.changegraph.consumer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The addresses a DNS answer gives for the name asked (RFC 1035: the question's name, each A and AAAA record
 * of the answer section, CNAMEs followed implicitly: every address answers the question). A message over TCP
 * may start with its 2-byte length. A message cut short gives the answers read before the cut; anything that
 * is not a response gives none.
 */
final class DnsAnswers {
    /** One address the asked name resolved to: ipv4 dotted quad or RFC 5952 ipv6. */
    record Answer(String name, String family, String address) {
    }

    private static final int TYPE_A = 1;
    private static final int TYPE_AAAA = 28;
    private static final int MAX_JUMPS = 16;

    private DnsAnswers() {
    }

    static List<Answer> parse(byte[] data) {
        if (data.length >= 14 && FirstBytes.u16(data, 0) == data.length - 2) {
            data = Arrays.copyOfRange(data, 2, data.length);   // TCP: length prefix
        }
        List<Answer> answers = new ArrayList<>();
        try {
            if (data.length < 12 || (data[2] & 0x80) == 0 || FirstBytes.u16(data, 4) < 1) {
                return answers;   // not a response, or no question
            }
            int answerCount = FirstBytes.u16(data, 6);
            StringBuilder asked = new StringBuilder();
            int at = name(data, 12, asked) + 4;
            int questions = FirstBytes.u16(data, 4);
            for (int q = 1; q < questions; q++) {
                at = name(data, at, new StringBuilder()) + 4;
            }
            String question = asked.toString().toLowerCase(Locale.ROOT);
            if (question.isEmpty()) {
                return answers;
            }
            for (int i = 0; i < answerCount && at < data.length; i++) {
                at = name(data, at, new StringBuilder());
                int type = FirstBytes.u16(data, at);
                int length = FirstBytes.u16(data, at + 8);
                int rdata = at + 10;
                if (rdata + length > data.length) {
                    break;
                }
                if (type == TYPE_A && length == 4) {
                    answers.add(new Answer(question, "ipv4", address(Arrays.copyOfRange(data, rdata, rdata + 4))));
                } else if (type == TYPE_AAAA && length == 16) {
                    answers.add(new Answer(question, "ipv6", SockAddrs.ipv6(Arrays.copyOfRange(data, rdata, rdata + 16))));
                }
                at = rdata + length;
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            // cut short (only the first payload_bytes are captured) or malformed: what was read stays
        }
        return answers;
    }

    /** Reads a (possibly compressed) name at {@code at} into {@code out}; returns the offset after it. */
    private static int name(byte[] d, int at, StringBuilder out) {
        int end = -1;
        for (int jumps = 0; ; ) {
            int length = Byte.toUnsignedInt(d[at]);
            if (length == 0) {
                return end >= 0 ? end : at + 1;
            }
            if ((length & 0xc0) == 0xc0) {
                if (++jumps > MAX_JUMPS) {
                    throw new IllegalArgumentException("DNS name compression loop");
                }
                if (end < 0) {
                    end = at + 2;
                }
                at = ((length & 0x3f) << 8) | Byte.toUnsignedInt(d[at + 1]);
                continue;
            }
            if (length > 63) {
                throw new IllegalArgumentException("bad DNS label length " + length);
            }
            if (!out.isEmpty()) {
                out.append('.');
            }
            out.append(new String(d, at + 1, length, StandardCharsets.US_ASCII));
            if (at + 1 + length > d.length) {
                throw new ArrayIndexOutOfBoundsException("label past the end");
            }
            at += 1 + length;
        }
    }

    private static String address(byte[] four) {
        try {
            return InetAddress.getByAddress(four).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
    }
}
