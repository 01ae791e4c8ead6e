package io.changegraph.monitor;

import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class RuleIndexTest {
    private static final List<String> GLOBS = List.of("/etc/**", "/etc/passwd", "/et*", "**/.ssh/authorized_keys",
            "/usr/{lib,share}/**", "/opt/a?c/**", "/opt/abc/x/*.conf", "/var/lib/app[0-9]/**", "/", "/*", "/tmp/**",
            "/home/*/.bashrc", "relative/**");
    private static final List<String> PATHS = List.of("/etc/passwd", "/etc", "/etcetera", "/etc/ssh/sshd_config",
            "/root/.ssh/authorized_keys", "/usr/lib/x", "/usr/share/man/a.gz", "/opt/abc/x/y.conf", "/opt/axc/q",
            "/var/lib/app7/db", "/tmp/x", "/home/alice/.bashrc", "/", "relative/a", "/opt/abc", "/usr");

    @Test
    void candidates_includeEveryRuleWhosePathGlobsMatch_inRuleOrder() throws Exception {
        Random random = new Random(11);
        StringBuilder text = new StringBuilder("version: 1\nrules:\n");
        for (int i = 0; i < 300; i++) {
            text.append("  - id: r").append(i).append("\n    severity: info\n    verbs: [").append(i % 3 == 0 ? "rename" : "write")
                    .append("]\n");
            if (i % 7 != 0) {
                text.append("    object:\n      path: [\"").append(GLOBS.get(random.nextInt(GLOBS.size()))).append("\"");
                if (i % 5 == 0) {
                    text.append(", \"").append(GLOBS.get(random.nextInt(GLOBS.size()))).append("\"");
                }
                text.append("]\n");
            }
        }
        List<Rule> rules = RuleSet.parse("r.yaml", text.toString(), name -> null).rules();
        ProcessNode p = new ProcessNode(1, 1, 0, "/bin/sh", List.of("sh"), "/", 0, 0, null, null, true, Instant.EPOCH, null);
        for (Verb verb : List.of(Verb.WRITE, Verb.RENAME)) {
            int[] watchers = IntStream.range(0, rules.size()).filter(i -> rules.get(i).verbs().contains(verb)).toArray();
            RuleIndex index = new RuleIndex(rules, watchers);
            assertThat(index.narrows()).isTrue();
            for (String path : PATHS) {
                for (String detail : new String[]{null, "/etc/passwd", "/tmp/x"}) {
                    Event event = Event.once(Instant.EPOCH, p, verb, FileRef.of(path), false, detail);
                    int[] candidates = index.candidates(event);
                    assertThat(candidates).isSorted().doesNotHaveDuplicates();
                    for (int i : watchers) {
                        boolean couldMatch = rules.get(i).match().object().matches(event.object(), detail,
                                verb.detailIsPath());
                        if (couldMatch) {
                            assertThat(Arrays.stream(candidates).anyMatch(c -> c == i))
                                    .as("rule %s %s on %s %s", rules.get(i).id(), rules.get(i).match().object().path(),
                                            path, detail).isTrue();
                        }
                    }
                    assertThat(watchers).contains(candidates);
                }
            }
        }
    }
}
