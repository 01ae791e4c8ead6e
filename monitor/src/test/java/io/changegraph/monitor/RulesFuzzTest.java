package io.changegraph.monitor;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Mutated rules files never crash the loader: either they are valid or every problem is located. */
class RulesFuzzTest {
    private static final String[] TOKENS = {":", "- ", "[", "]", "{", "}", "'", "\"", "*", "**", "/", "\\", "-1",
            "99999999999999999999", "verbz", "severity", "null", "~", "&a", "*a", "!!binary", "\t", "\n", "  ",
            "0x1F", "1.5", "true", "/33", "300.1.1.1", "(", "[a-", "{a,", "#", "%", "@", "\u0000", "é"};

    @Test
    void load_mutatedRules_neverCrash_alwaysLocated() throws IOException {
        String original = Files.readString(Fixtures.shippedRules());
        Random random = new Random(20261121);
        int rejected = 0;
        for (int i = 0; i < 400; i++) {
            String mutated = mutate(original, random, 1 + random.nextInt(3));
            try {
                RuleSet.parse("m.yaml", mutated, Map.<String, String>of()::get);
            } catch (RulesException e) {
                rejected++;
                assertThat(e.problems()).isNotEmpty();
                assertThat(e.problems()).allSatisfy(p -> assertThat(p).matches("(?s)m\\.yaml:\\d+:\\d+: \\S.*"));
            } catch (RuntimeException | StackOverflowError e) {
                fail("mutation " + i + " crashed the loader with " + e + " on:\n" + mutated, e);
            }
        }
        assertThat(rejected).as("most mutations break something").isGreaterThan(100);
    }

    private static String mutate(String text, Random random, int edits) {
        StringBuilder out = new StringBuilder(text);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(out.length());
            switch (random.nextInt(5)) {
                case 0 -> out.deleteCharAt(at);
                case 1 -> out.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
                case 2 -> out.setCharAt(at, (char) (' ' + random.nextInt(95)));
                case 3 -> {
                    int end = Math.min(out.length(), at + random.nextInt(40));
                    out.delete(at, end);
                }
                default -> {
                    int lineStart = out.lastIndexOf("\n", at) + 1;
                    out.insert(lineStart, random.nextBoolean() ? " " : "  ");
                }
            }
        }
        return out.toString();
    }
}
