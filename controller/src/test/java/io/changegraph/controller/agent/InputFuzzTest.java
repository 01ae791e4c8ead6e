package io.changegraph.controller.agent;

import io.changegraph.controller.UsageException;
import io.changegraph.controller.cli.Main;
import io.changegraph.controller.config.AgentConfig;
import io.changegraph.controller.config.AgentLimits;
import io.changegraph.controller.os.LibC;
import io.changegraph.monitor.RuleSet;
import io.changegraph.monitor.RulesException;
import io.changegraph.repository.formats.GraphFormatException;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.io.JsonMappers;
import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Verb;
import io.changegraph.web.WebStartException;
import io.changegraph.web.WebUsers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Seeded fuzzing, bounded in time (CHANGEGRAPH_FUZZ_SECONDS per target, default 5; the seed is in every failure
 * and can be replayed with -Dchangegraph.fuzz.seed=N): mutated graph JSON, rules YAML, users files, agent configs
 * and agent protocol lines. Each parser returns or throws its one documented exception; the commands exit 0, 1
 * or 2; nothing crashes or hangs. (Ring-buffer records: consumer's RecordFuzzTest.)
 */
class InputFuzzTest {
    private static final long SEED = Long.getLong("changegraph.fuzz.seed", System.nanoTime());
    private static final long BUDGET = Long.parseLong(System.getenv().getOrDefault("CHANGEGRAPH_FUZZ_SECONDS", "5"))
            * 1_000_000_000L;
    private static final String[] TOKENS = {"[", "]", "{", "}", "\"", ":", ",", "-", "- ", "\n", "  ", "&a ", "*a",
            "!!binary ", "!!python/object ", "? ", "|", ">", "#", "'", "\\", "\u0000", "\u001b[2J", "\u00e9", "\ud800",
            "1e999999999", "-0", "99999999999999999999999999", "null", "true", "~", "%YAML 1.1\n", "---\n", "...\n",
            "\t", "<<: *a\n", "[[[[[[[[[[[[[[[[[[[[", "{\"a\":{\"a\":{\"a\":"};

    @TempDir
    Path dir;

    private interface Target {
        void run(String text, long n) throws Exception;
    }

    private void fuzz(String name, String corpus, Target target) {
        Random random = new Random(SEED ^ name.hashCode());
        assertTimeoutPreemptively(Duration.ofNanos(BUDGET).plusSeconds(30), () -> {
            long end = System.nanoTime() + BUDGET;
            long n = 0;
            while (System.nanoTime() < end) {
                String text = mutate(corpus, random);
                try {
                    target.run(text, n);
                } catch (AssertionError | Exception e) {
                    throw new AssertionError(name + ": seed " + SEED + ", case " + n + ": " + e, e);
                }
                n++;
            }
            assertThat(n).as(name + " cases").isGreaterThan(20);
        }, () -> name + " hung (seed " + SEED + ")");
    }

    static String mutate(String text, Random random) {
        StringBuilder s = new StringBuilder(text);
        int rounds = 1 + random.nextInt(6);
        for (int r = 0; r < rounds; r++) {
            int at = s.isEmpty() ? 0 : random.nextInt(s.length() + 1);
            switch (random.nextInt(7)) {
                case 0 -> s.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
                case 1 -> {
                    if (!s.isEmpty()) {
                        s.delete(Math.min(at, s.length() - 1), Math.min(s.length(), at + 1 + random.nextInt(40)));
                    }
                }
                case 2 -> s.setLength(Math.min(s.length(), at));
                case 3 -> {
                    if (!s.isEmpty()) {
                        int from = random.nextInt(s.length());
                        s.insert(at, s.substring(from, Math.min(s.length(), from + random.nextInt(200))));
                    }
                }
                case 4 -> {
                    if (at < s.length()) {
                        s.setCharAt(at, (char) random.nextInt(0x300));
                    }
                }
                case 5 -> s.insert(at, "[".repeat(random.nextInt(3000)));
                default -> s.insert(at, "x".repeat(random.nextInt(5000)));
            }
        }
        return s.toString();
    }

    private String graphJson() {
        ChangeGraph g = new ChangeGraph(new Session("s", "host", "ops", 10, List.of("bash", "-c", "x"), Instant.EPOCH, null));
        ProcessNode bash = new ProcessNode(10, 1, 1, "/usr/bin/bash", List.of("bash", "-c", "rm /etc/x"), "/root", 0, 0,
                0, null, true, Instant.EPOCH, Instant.EPOCH.plusSeconds(2));
        g.apply(Event.once(Instant.EPOCH, bash, Verb.UNLINK, FileRef.of("/etc/app.conf"), false, null));
        g.apply(Event.once(Instant.EPOCH.plusSeconds(1), bash, Verb.WRITE, FileRef.of("/tmp/x"), false, null));
        return GraphJson.toJson(g.snapshot());
    }

    /** As bytes: a mutation may leave a lone surrogate, which becomes '?' (invalid bytes are the byte mutator's job). */
    private static Path write(Path file, String text) throws java.io.IOException {
        return Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static int cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            return Main.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void graphJson_mutated_readsOrIsOneFormatError_andCommandsExit012() throws Exception {
        Path rules = Path.of("../rules.yaml").toAbsolutePath();
        Path good = Files.writeString(dir.resolve("good.json"), graphJson());
        fuzz("graph", graphJson(), (text, n) -> {
            try {
                GraphJson.fromJson(text);
            } catch (GraphFormatException e) {
                assertThat(e.getMessage()).doesNotContain("\n");
            }
            if (n % 25 == 0) {
                Path file = write(dir.resolve("g.json"), text);
                assertThat(cli("export", file.toString())).isIn(0, 2);
                assertThat(cli("check", "--rules", rules.toString(), file.toString())).isIn(0, 1, 2);
                assertThat(cli("diff", good.toString(), file.toString())).isIn(0, 1, 2);
            }
        });
    }

    @Test
    void rulesYaml_mutated_parsesOrListsProblems() throws Exception {
        String shipped = Files.readString(Path.of("../rules.yaml"));
        fuzz("rules", shipped, (text, n) -> {
            try {
                RuleSet.parse("rules.yaml", text, name -> null);
            } catch (RulesException e) {
                assertThat(e.problems()).isNotEmpty();
            }
            if (n % 50 == 0) {
                assertThat(cli("rules", "check", write(dir.resolve("r.yaml"), text).toString())).isIn(0, 2);
            }
        });
    }

    @Test
    void usersFile_mutated_readsOrIsOneStartError() {
        String users = "users:\n  - {name: alice, token_sha256: " + "a".repeat(64) + ", role: user, uid: 1001}\n"
                + "  - name: audit\n    token_sha256: " + "b".repeat(64) + "\n    role: auditor\n";
        fuzz("users", users, (text, n) -> {
            Path file = write(dir.resolve(n % 2 == 0 ? "users.yaml" : "users.json"), text);
            try {
                WebUsers.read(file);
            } catch (WebStartException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        });
    }

    @Test
    void agentConfig_mutated_parsesOrIsOneUsageError() {
        String config = "socket: /run/changegraph/agent.sock\nstore: /var/lib/changegraph\nfail_closed: false\n"
                + "retention_days: 90\nflush_interval: 1\ncpu: auto\nmax_connections_per_user: 8\n"
                + "max_registrations_per_minute: 30\nmax_sessions_per_user: 64\n";
        Path file = dir.resolve("config.yaml");
        fuzz("config", config, (text, n) -> {
            try {
                AgentConfig.parse(text, file);
            } catch (UsageException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        });
    }

    @Test
    void protocolLines_mutated_alwaysGetOneJsonAnswer() {
        AgentProtocol protocol = new AgentProtocol(null, AgentLimits.defaults());
        LibC.PeerCredentials user = new LibC.PeerCredentials((int) ProcessHandle.current().pid(), 4242, 4242);
        String corpus = "{\"op\":\"register\",\"pid\":1,\"tty\":\"/dev/pts/1\",\"ssh_connection\":\"1.2.3.4 5 6.7.8.9 22\","
                + "\"command\":[\"-bash\"]}";
        Set<String> ops = Set.of("register", "sessions", "show");
        fuzz("protocol", corpus, (text, n) -> {
            String line = n % 3 == 0 ? text.replace("register", List.copyOf(ops).get((int) (n % 3))) : text;
            String answer = protocol.handle(user, line);
            assertThat(answer).doesNotContain("\n");
            assertThat(JsonMappers.readTree(answer, "answer").has("ok")).isTrue();
        });
    }
}
