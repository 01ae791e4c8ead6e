package io.changegraph.controller;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Canary vs production on real recordings: the same change script recorded twice with every pid,
 * temp name, time and user different, then `changegraph diff` as a pipeline would call it.
 */
@Tag("kernel")
@ExtendWith(RequiresRoot.class)
class DiffIT {
    private static final String CANARY_USER = "cgcanary" + ProcessHandle.current().pid();
    private static final String PROD_USER = "cgprod" + ProcessHandle.current().pid();
    private static final Path ETC_FILE = Path.of("/etc/cg-diff-test-" + ProcessHandle.current().pid());
    /** A change-shaped script: config under $HOME, temp work dir, sed -i, an optional extra rm, an optional failing write. */
    private static final String CHANGE = """
            set -e
            mkdir -p "$HOME/app"
            printf 'mode=canary\\n' > "$HOME/app/app.conf"
            work=$(mktemp -d /tmp/change.XXXXXX)
            cp "$HOME/app/app.conf" "$work/app.conf.bak"
            sed -i 's/canary/production/' "$HOME/app/app.conf"
            chmod 600 "$HOME/app/app.conf"
            if [ -n "$EXTRA_RM" ]; then rm -f "$EXTRA_RM"; fi
            echo report > "$REPORT_DIR/report.txt" 2>/dev/null || true
            rm -rf "$work"
            rm -rf "$HOME/app"
            """;

    @TempDir
    Path dir;

    @BeforeAll
    static void users() throws Exception {
        for (String user : List.of(CANARY_USER, PROD_USER)) {
            sh("useradd", "-m", "-s", "/bin/bash", user);
        }
    }

    @AfterAll
    static void removeUsers() throws Exception {
        for (String user : List.of(CANARY_USER, PROD_USER)) {
            sh("userdel", "-r", user);
        }
        Files.deleteIfExists(ETC_FILE);
    }

    @Test
    void diff_sameScriptTwice_differentTempDirsAndPids_isNoDifference() throws Exception {
        Path canary = record("canary", "root", Map.of());
        Path prod = record("prod", "root", Map.of());
        Recording diff = Recording.run(null, "diff", canary.toString(), prod.toString());
        assertThat(diff.exitCode).as(diff.stdout + diff.stderr).isZero();
    }

    @Test
    void diff_sameScriptAsAnotherUserInAnotherHome_isNoDifferenceByDefault() throws Exception {
        Path canary = record("canary", CANARY_USER, Map.of());
        Path prod = record("prod", PROD_USER, Map.of());
        Recording diff = Recording.run(null, "diff", canary.toString(), prod.toString());
        assertThat(diff.exitCode).as(diff.stdout + diff.stderr).isZero();
    }

    @Test
    void diff_extraRmUnderEtcInProduction_isExactlyThatBehaviour_exit1() throws Exception {
        Files.writeString(ETC_FILE, "x");
        Path canary = record("canary", "root", Map.of());
        Path prod = record("prod", "root", Map.of("EXTRA_RM", ETC_FILE.toString()));
        Recording diff = Recording.run(null, "diff", "--json", canary.toString(), prod.toString());
        assertThat(diff.exitCode).as(diff.stderr).isEqualTo(1);
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(diff.stdout);
        var differences = json.get("differences");
        assertThat(differences).as(diff.stdout).hasSize(1);
        assertThat(differences.get(0).toString()).contains(ETC_FILE.toString()).contains("only_production");
        Recording text = Recording.run(null, "diff", canary.toString(), prod.toString());
        assertThat(text.exitCode).isEqualTo(1);
        assertThat(text.stdout).contains(ETC_FILE.toString());
    }

    @Test
    void diff_writeThatSucceededOnCanaryAndFailedInProduction_isChanged() throws Exception {
        Path reports = Files.createDirectories(dir.resolve("reports"));
        Path canary = record("canary", "root", Map.of("REPORT_DIR", reports.toString()));
        Path prod = record("prod", "root", Map.of("REPORT_DIR", dir.resolve("no-such-dir").toString()));
        // the same report path on both sides, as on two hosts
        String canaryJson = Files.readString(canary);
        Files.writeString(prod, Files.readString(prod).replace(dir.resolve("no-such-dir").toString(), reports.toString()));
        assertThat(canaryJson).contains(reports.toString());
        Recording diff = Recording.run(null, "diff", "--json", canary.toString(), prod.toString());
        assertThat(diff.exitCode).as(diff.stderr).isEqualTo(1);
        var differences = new com.fasterxml.jackson.databind.ObjectMapper().readTree(diff.stdout).get("differences");
        // the create of the report failed in production: the same behaviour with another outcome
        boolean changed = false;
        for (var d : differences) {
            if (d.toString().contains("report.txt") && d.get("verb").asText().equals("create")) {
                assertThat(d.get("status").asText()).as(d.toString()).isEqualTo("changed");
                changed = true;
            }
        }
        assertThat(changed).as(diff.stdout).isTrue();
    }

    /**
     * The README's example: examples/deploy.sh recorded with {@code --env canary} and with {@code --env production}
     * (undeployed before and after each, under the machine-wide deploy lock). Production differs in one planted way,
     * it also deletes the config's backup, and in the root command's argument; the default diff reports exactly
     * those two. The health check retries curl until the daemon answers, a different number of times in each run:
     * repeated identical processes compare like repeated calls, within the count tolerance.
     */
    @Test
    void diff_readmeDeployExample_canaryVsProduction_isExactlyThePlantedDifferences() throws Exception {
        Path canary;
        Path production;
        try (FileChannel lockFile = FileChannel.open(DEPLOY_LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.lock()) {
            try {
                undeploy();
                canary = recordDeploy("canary");
                undeploy();
                production = recordDeploy("production");
            } finally {
                undeploy();
            }
        }

        Recording diff = Recording.run(null, "diff", "--json", canary.toString(), production.toString());

        assertThat(diff.exitCode).as(diff.stderr).isEqualTo(1);
        var differences = new com.fasterxml.jackson.databind.ObjectMapper().readTree(diff.stdout).get("differences");
        assertThat(differences).as(diff.stdout).hasSize(2);
        var rm = differences.get(0);
        assertThat(rm.get("status").asText()).isEqualTo("only_production");
        assertThat(rm.get("verb").asText()).isEqualTo("spawn");
        assertThat(rm.get("target").asText()).isEqualTo("rm -f /etc/myapp/myapp.conf.bak");
        assertThat(rm.get("effects").get(0).asText()).isEqualTo("unlink /etc/myapp/myapp.conf.bak");
        var argv = differences.get(1);
        assertThat(argv.get("status").asText()).isEqualTo("changed");
        assertThat(argv.get("verb").asText()).isEqualTo("exec");
        assertThat(argv.get("reasons").get(0).asText()).endsWith("deploy.sh --env canary -> bash " + DEPLOY + " --env production");
        assertThat(argv.get("ancestry").get(0).asText()).isEqualTo("bash " + DEPLOY + " --env <canary|production>");
        var impact = new com.fasterxml.jackson.databind.ObjectMapper().readTree(diff.stdout).get("impact").get("differences");
        assertThat(impact).as(diff.stdout).hasSize(2);
        assertThat(impact.get(0).get("area").asText()).isEqualTo("command");
        assertThat(impact.get(1).get("text").asText())
                .isEqualTo("production also deleted /etc/myapp/myapp.conf.bak (rm -f /etc/myapp/myapp.conf.bak)");

        Recording text = Recording.run(null, "diff", canary.toString(), production.toString());
        assertThat(text.exitCode).isEqualTo(1);
        assertThat(text.stdout).contains("what they changed: 2 differences\n",
                "  + production also deleted /etc/myapp/myapp.conf.bak (rm -f /etc/myapp/myapp.conf.bak)\n",
                "edge level: 2 differences: 0 only in canary, 1 only in production, 1 changed (--detail lists them)\n");
    }

    private static final Path DEPLOY_LOCK = Path.of("/run/lock/changegraph-deploy.lock");
    private static final Path DEPLOY = Path.of("../examples/deploy.sh").toAbsolutePath().normalize();

    private Path recordDeploy(String env) throws Exception {
        Path output = dir.resolve("deploy-" + env + "-" + System.nanoTime() + ".json");
        Recording r = Recording.run(output, "record", "-o", output.toString(), "--", DEPLOY.toString(), "--env", env);
        assertThat(r.exitCode).as(r.stderr).isZero();
        return output;
    }

    private static void undeploy() throws Exception {
        sh(DEPLOY.resolveSibling("undeploy.sh").toString());
    }

    /** Records the change script run as {@code user} (root, or a user in their own home via setpriv). */
    private Path record(String name, String user, Map<String, String> env) throws Exception {
        Path script = dir.resolve("change.sh");
        Files.writeString(script, CHANGE);
        script.toFile().setReadable(true, false);
        dir.toFile().setExecutable(true, false);
        Path output = dir.resolve(name + "-" + System.nanoTime() + ".json");
        List<String> args = new ArrayList<>(List.of("record", "-o", output.toString(), "--"));
        Map<String, String> environment = new java.util.HashMap<>(env);
        environment.putIfAbsent("REPORT_DIR", dir.toString());
        environment.putIfAbsent("EXTRA_RM", "");
        if (user.equals("root")) {
            // a home that exists before each run, as a login's does (the launcher may or may not make it)
            Files.createDirectories(dir.resolve("roothome"));
            environment.put("HOME", dir.resolve("roothome").toString());
            args.addAll(List.of("/bin/bash", script.toString()));
        } else {
            // what `sudo -u USER` gives: SUDO_USER names the session's user, the command runs as them
            environment.put("SUDO_USER", user);
            args.addAll(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups",
                    "env", "HOME=/home/" + user, "/bin/bash", script.toString()));
        }
        Recording r = Recording.run(environment, output, args.toArray(String[]::new));
        assertThat(r.exitCode).as(r.stderr).isZero();
        return output;
    }

    private static void sh(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
    }
}
