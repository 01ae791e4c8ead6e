package io.changegraph.controller;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.changegraph.controller.os.Host;
import io.changegraph.monitor.Monitor;
import io.changegraph.repository.model.Alert;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped rules.yaml on real work: a routine deploy (package, user and group, config edited with a
 * backup, cron file, daemon left running, health check) raises no critical alert, while each planted
 * risky act does; the default rules of {@code record}; delivery when the mail server is down.
 */
@Tag("kernel")
@ExtendWith(RequiresRoot.class)
public class RoutineDeployAlertsIT {
    private static final Path DEPLOY_LOCK = Path.of("/run/lock/changegraph-deploy.lock");

    @TempDir
    Path dir;

    private static Path repo() {
        return Recording.launcher().toAbsolutePath().getParent().getParent();
    }

    /** The shipped rules with the alert log and outbox in the test's directory and another alerts section. */
    private Path shippedRules(String alerts) throws IOException {
        String text = Files.readString(repo().resolve("rules.yaml"));
        int from = text.indexOf("\nalerts:\n");
        int to = text.indexOf("\nrules:\n");
        String section = "\nalerts:\n  log: " + dir.resolve("alerts.jsonl") + "\n  outbox: " + dir.resolve("outbox")
                + "\n  groups:\n    oncall: [oncall@example.com]\n    security: [security@example.com]\n"
                + "  recipients:\n    critical: [oncall]\n    warning: [oncall]\n" + alerts;
        return Files.writeString(dir.resolve("rules.yaml"), text.substring(0, from) + section + text.substring(to));
    }

    private static String described(List<Alert> alerts, io.changegraph.repository.model.GraphDocument graph) {
        return String.join("\n", alerts.stream().map(a -> Monitor.describe(a, graph)).toList());
    }

    @Test
    void record_routineDeploy_raisesNoCriticalAlert() throws Exception {
        Path rules = shippedRules("");
        Path output = dir.resolve("deploy.json");
        try (FileChannel channel = FileChannel.open(DEPLOY_LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            try {
                Recording r = Recording.run(output, "record", "--rules", rules.toString(), "-o", output.toString(),
                        "--", "/bin/bash", repo().resolve("examples/deploy.sh").toString());
                assertThat(r.exitCode).as(r.stderr).isZero();
                List<Alert> alerts = r.graph.alerts();
                assertThat(alerts).as("alerts of the routine deploy:\n%s", described(alerts, r.graph))
                        .noneMatch(a -> a.severity().equals("critical"))
                        .noneMatch(a -> List.of("system-file-delete", "mass-delete", "credentials-write",
                                "secret-read-then-connect", "system-file-rename").contains(a.ruleId()));
                assertThat(alerts).as("the rules were evaluated: useradd and groupadd ran")
                        .anyMatch(a -> a.ruleId().equals("account-change"));
                assertThat(alerts).as("a behaviour rule, evaluated live on the recomputed summary")
                        .anyMatch(a -> a.ruleId().equals("package-change")
                                && a.description().contains("package.install myapp"));
            } finally {
                Process undo = new ProcessBuilder("/bin/bash", repo().resolve("examples/undeploy.sh").toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                assertThat(undo.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @Test
    void record_plantedRiskyActs_eachFiresCriticalAndNamesItsObject() throws Exception {
        Path rules = shippedRules("");
        String id = UUID.randomUUID().toString().substring(0, 8);
        Path victim = Path.of("/etc/cg-planted-" + id);
        int port = freePort();
        String d = dir.toString();
        String script = String.join("\n",
                "set -e",
                // a delete under /etc outside a package manager
                "echo x > " + victim + "; rm " + victim,
                // setuid on a new file
                "cp /bin/true " + d + "/suid; chmod 4755 " + d + "/suid",
                // authorized_keys written (by root) for another account
                "mkdir -p " + d + "/home/cgtest/.ssh",
                "echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG4rT3vTt99Ox5kndS4HmgTrKBT8SKzhK4rhGkEVGlCI x' > " + d
                        + "/home/cgtest/.ssh/authorized_keys",
                // a kernel module load: finit_module on a .ko file (a kernel without modules refuses it: ENOSYS)
                "printf x > " + d + "/dummy.ko",
                "/usr/bin/python3 -c 'import ctypes,os,sys; fd=os.open(sys.argv[1], os.O_RDONLY);"
                        + " ctypes.CDLL(None).syscall(313, fd, b\"\", 0)' " + d + "/dummy.ko",
                // a downloaded file executed: served over loopback, fetched with curl, run
                "mkdir " + d + "/www; printf '#!/bin/sh\\necho downloaded-ran\\n' > " + d + "/www/x.sh",
                "/usr/bin/python3 -m http.server " + port + " --bind 127.0.0.1 --directory " + d
                        + "/www >/dev/null 2>&1 & srv=$!",
                "for i in $(seq 1 100); do curl -fsS -o " + d + "/x.sh http://127.0.0.1:" + port
                        + "/x.sh && break; sleep 0.1; done",
                "kill $srv",
                "chmod +x " + d + "/x.sh; " + d + "/x.sh");
        try {
            Recording r = Recording.bash(dir, script, "--rules", rules.toString());
            assertThat(r.exitCode).as(r.stderr).isZero();
            assertThat(r.stdout).contains("downloaded-ran");
            List<Alert> critical = r.graph.alerts().stream().filter(a -> a.severity().equals("critical")).toList();
            String text = described(critical, r.graph);
            assertThat(critical).as(text).extracting(Alert::ruleId).contains("system-file-delete", "setuid-chmod",
                    "authorized-keys-write", "kernel-module", "download-exec");
            Map<String, String> objects = Map.of("system-file-delete", victim.toString(),
                    "setuid-chmod", d + "/suid", "authorized-keys-write", d + "/home/cgtest/.ssh/authorized_keys",
                    "kernel-module", "dummy", "download-exec", d + "/x.sh");
            objects.forEach((rule, object) -> assertThat(critical).as(text)
                    .anySatisfy(a -> {
                        assertThat(a.ruleId()).isEqualTo(rule);
                        assertThat(Monitor.describe(a, r.graph)).contains(object);
                    }));
        } finally {
            Files.deleteIfExists(victim);
        }
    }

    @Test
    void record_smtpDown_saysHowManyMessagesWaitAndWhere_thenAlertsFlushSendsThem() throws Exception {
        int port = freePort();
        Path rules = shippedRules("  drain_seconds: 1\n  viewer_url: http://cg.example.com:7070\n"
                + "  smtp: {host: 127.0.0.1, port: " + port + ", tls: none, from: changegraph@example.com,"
                + " timeout_seconds: 1}\n");
        Path victim = Path.of("/etc/cg-flush-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            Recording r = Recording.bash(dir, "echo x > " + victim + "; rm " + victim, "--rules", rules.toString());
            assertThat(r.exitCode).as(r.stderr).isZero();
            assertThat(r.stderr).contains("changegraph: 1 alert message was not delivered in time; they wait in "
                    + dir.resolve("outbox") + ": send them with 'changegraph alerts flush'");

            GreenMail server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            server.start();
            try {
                Recording flush = Recording.run(null, "alerts", "flush", "--rules", rules.toString());
                assertThat(flush.exitCode).as(flush.stderr).isZero();
                assertThat(flush.stdout).contains("sent 1 alert message; 0 left in " + dir.resolve("outbox"));
                MimeMessage mail = server.getReceivedMessages()[0];
                String host = Host.name();
                assertThat(mail.getSubject()).startsWith("[changegraph] CRITICAL system-file-delete on " + host)
                        .contains("unlink " + victim);
                String body = (String) mail.getContent();
                assertThat(body).contains("Host:     " + host, "User:     ", "(uid ", "Command:  /bin/bash -c echo x > "
                        + victim, "See it:   changegraph serve " + dir.resolve("graph.json"),
                        "Viewer:   http://cg.example.com:7070/graph.html?session=" + r.graph.session().id());
            } finally {
                server.stop();
            }
        } finally {
            Files.deleteIfExists(victim);
        }
    }

    @Test
    void record_defaultRules_areTheAgentsInstalledFile_andNoRulesTurnsThemOff() throws Exception {
        Path installed = Files.writeString(dir.resolve("installed.yaml"), """
                alerts: {log: %s}
                rules:
                  - id: installed-etc-delete
                    severity: warning
                    verbs: [unlink]
                    object: {path: "/etc/**"}
                """.formatted(dir.resolve("installed.jsonl")));
        Path config = Files.writeString(dir.resolve("config.yaml"), "rules: " + installed + "\n");
        Path victim = Path.of("/etc/cg-default-" + UUID.randomUUID().toString().substring(0, 8));
        String script = "echo x > " + victim + "; rm " + victim;
        try {
            Path output = dir.resolve("default.json");
            Recording withDefault = Recording.run(Map.of("CHANGEGRAPH_CONFIG", config.toString()), output, "record",
                    "-o", output.toString(), "--", "/bin/bash", "-c", script);
            assertThat(withDefault.exitCode).as(withDefault.stderr).isZero();
            assertThat(withDefault.graph.alerts()).extracting(Alert::ruleId).containsExactly("installed-etc-delete");

            Path none = dir.resolve("none.json");
            Recording without = Recording.run(Map.of("CHANGEGRAPH_CONFIG", config.toString()), none, "record",
                    "--no-rules", "-o", none.toString(), "--", "/bin/bash", "-c", script);
            assertThat(without.exitCode).as(without.stderr).isZero();
            assertThat(without.graph.alerts()).isEmpty();
        } finally {
            Files.deleteIfExists(victim);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
