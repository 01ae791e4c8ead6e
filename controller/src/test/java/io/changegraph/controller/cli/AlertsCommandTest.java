package io.changegraph.controller.cli;

import io.changegraph.controller.RoutineDeployAlertsIT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code changegraph alerts flush}: what it says and how it exits (delivery itself: MonitorAlertsTest, RoutineDeployAlertsIT). */
class AlertsCommandTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Path rules(String alerts) throws Exception {
        return Files.writeString(dir.resolve("rules.yaml"), alerts + "rules: []\n");
    }

    @Test
    void flush_emptyOutbox_sendsNothingAndExits0() throws Exception {
        Path rules = rules("alerts: {outbox: " + dir.resolve("outbox") + "}\n");
        assertThat(run("alerts", "flush", "--rules", rules.toString())).isZero();
        assertThat(out.toString()).isEqualTo("sent 0 alert messages; 0 left in " + dir.resolve("outbox") + "\n");
    }

    @Test
    void flush_messageForAnUnconfiguredSink_staysAndExits1WithOneLine() throws Exception {
        Path outbox = Files.createDirectories(dir.resolve("outbox"));
        Files.writeString(outbox.resolve("0000000000001-a.json"), """
                {"id": "0000000000001-a", "sink": "webhook", "severity": "critical", "to": [], "subject": "s",
                 "body": "{}", "created": "2026-11-21T20:00:00Z"}
                """);
        Path rules = rules("alerts: {outbox: " + outbox + "}\n");
        assertThat(run("alerts", "flush", "--rules", rules.toString())).isEqualTo(1);
        assertThat(out.toString()).isEqualTo("sent 0 alert messages; 1 left in " + outbox + "\n");
        assertThat(err.toString()).isEqualTo("changegraph: not sent: 0000000000001-a (webhook): alerts.webhook is not"
                + " configured in the rules file; configure it, or delete " + outbox.resolve("0000000000001-a.json") + "\n");
        assertThat(outbox.resolve("0000000000001-a.json")).exists();
    }

    @Test
    void flush_rulesWithoutOutbox_isAUsageErrorInOneLine() throws Exception {
        Path rules = rules("");
        assertThat(run("alerts", "flush", "--rules", rules.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("changegraph: the rules file sets no alerts.outbox").endsWith(
                "(docs/rules.md)\n");
    }
}
