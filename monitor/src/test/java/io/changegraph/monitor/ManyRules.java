package io.changegraph.monitor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Benchmark input (bench/big-inputs.sh): a rules file of N rules over the shipped verbs, each on its own path
 * prefix (a quarter of them under prefixes a real recording touches), a few with process conditions.
 * Usage: ManyRules N OUT.yaml
 */
final class ManyRules {
    private ManyRules() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        List<String> verbs = List.of("unlink", "write", "create", "rename", "chmod", "open", "read", "truncate", "mkdir",
                "exec");
        List<String> roots = List.of("/etc", "/usr/lib", "/var/lib", "/opt", "/srv", "/home", "/usr/share", "/tmp");
        StringBuilder out = new StringBuilder("version: 1\nrules:\n");
        for (int i = 0; i < n; i++) {
            String verb = verbs.get(i % verbs.size());
            String root = roots.get((i / verbs.size()) % roots.size());
            String prefix = i % 4 == 0 ? root + "/**" : root + "/app" + i + "/**";
            out.append("  - id: rule-").append(i).append('\n')
                    .append("    severity: ").append(i % 3 == 0 ? "warning" : "info").append('\n')
                    .append("    verbs: [").append(verb).append("]\n")
                    .append("    object:\n      path: [\"").append(prefix).append("\"]\n");
            if (i % 10 == 0) {
                out.append("    subject:\n      exe: [\"/usr/bin/app").append(i).append("\"]\n");
            }
        }
        Files.writeString(Path.of(args[1]), out);
        System.out.println(args[1] + ": " + n + " rules");
    }
}
