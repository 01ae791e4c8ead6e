package io.changegraph.controller;

import io.changegraph.repository.model.Alert;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped rules.yaml, evaluated live while a real command runs. */
@Tag("kernel")
@ExtendWith(RequiresRoot.class)
class MonitorLiveIT {
    @TempDir
    Path dir;

    @Test
    void record_rmOfAFileUnderEtc_raisesTheEtcRuleLiveWithinASecond() throws Exception {
        Path repoRules = Recording.launcher().getParent().getParent().resolve("rules.yaml");
        // the shipped rules, with the alert log and outbox moved into the test's directory
        String rules = Files.readString(repoRules)
                .replace("/var/log/changegraph/alerts.jsonl", dir.resolve("alerts.jsonl").toString())
                .replace("/var/lib/changegraph/outbox", dir.resolve("outbox").toString());
        Path rulesFile = Files.writeString(dir.resolve("rules.yaml"), rules);
        Path victim = Path.of("/etc/cg-test-" + UUID.randomUUID());
        Files.writeString(victim, "x");
        Path removedAt = dir.resolve("removed-at");
        Path alertLog = dir.resolve("alerts.jsonl");
        try {
            CompletableFuture<Long> seen = CompletableFuture.supplyAsync(() -> waitForLine(alertLog, victim.toString()));
            Recording r = Recording.bash(dir, "rm " + victim + " && date +%s%N > " + removedAt + " && sleep 3",
                    "--rules", rulesFile.toString());
            assertThat(r.exitCode).as(r.stderr).isZero();
            long removedNs = Long.parseLong(Files.readString(removedAt).strip());
            long seenNs = seen.get();
            assertThat(seenNs).as("alert logged while the command still ran").isPositive();
            assertThat(seenNs - removedNs).as("ns from the rm to the alert in the log").isLessThan(1_000_000_000L);
            List<Alert> alerts = r.graph.alerts();
            assertThat(alerts).anySatisfy(a -> {
                assertThat(a.ruleId()).isEqualTo("system-file-delete");
                assertThat(a.severity()).isEqualTo("critical");
                assertThat(a.edgeTarget()).isNotNull();
            });
            assertThat(r.stderr).contains("system-file-delete");
        } finally {
            Files.deleteIfExists(victim);
        }
    }

    /** Polls the alert log until a line mentions {@code needle}; returns the wall-clock ns then, or -1. */
    private static long waitForLine(Path log, String needle) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                if (Files.exists(log) && Files.readString(log).contains(needle)) {
                    java.time.Instant now = java.time.Instant.now();
                    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
                }
                Thread.sleep(10);
            } catch (Exception e) {
                return -1;
            }
        }
        return -1;
    }
}
