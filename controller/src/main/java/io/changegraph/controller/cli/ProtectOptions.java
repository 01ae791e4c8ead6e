package io.changegraph.controller.cli;

import io.changegraph.controller.UsageException;
import io.changegraph.controller.config.MetricsSettings;
import io.changegraph.controller.config.OpsSettings;
import io.changegraph.controller.config.ProtectionSettings;

import picocli.CommandLine.Option;

import java.time.Duration;

/** {@code record}'s self-protection and metrics options (docs/ops.md); the agent reads the same from its config. */
final class ProtectOptions {
    private static final ProtectionSettings D = ProtectionSettings.DEFAULTS;

    @Option(names = "--protect", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "self-protection: when the recorder itself costs too much, record less in steps (no per-call"
                    + " detail, then no payload/DNS capture, then no new non-interactive subtrees) and recover when calm;"
                    + " every step is in the graph's stats (default on)")
    boolean enabled = true;

    @Option(names = "--protect-cpu", paramLabel = "PERCENT", defaultValue = "5",
            description = "CPU limit: the recorder's threads as a share of all the host's CPUs (default ${DEFAULT-VALUE})")
    double cpuPercent = D.cpuPercent();

    @Option(names = "--protect-rss-mb", paramLabel = "MB", defaultValue = "1024",
            description = "resident memory limit (default ${DEFAULT-VALUE})")
    long rssMb = D.rssBytes() >> 20;

    @Option(names = "--protect-samples", paramLabel = "N", defaultValue = "10",
            description = "samples (one a second) in a row over a limit before each step (default ${DEFAULT-VALUE})")
    int tripSamples = D.tripSamples();

    @Option(names = "--protect-calm", paramLabel = "M", defaultValue = "30",
            description = "calm samples in a row before each step back (default ${DEFAULT-VALUE})")
    int calmSamples = D.calmSamples();

    @Option(names = "--protect-interval", paramLabel = "SECONDS", defaultValue = "1", hidden = true,
            description = "seconds between samples (default ${DEFAULT-VALUE})")
    double intervalSeconds = 1;

    @Option(names = "--metrics", paramLabel = "HOST:PORT",
            description = "serve Prometheus metrics at http://HOST:PORT/metrics while recording (default: none)")
    String metrics;

    OpsSettings settings() {
        ProtectionSettings protection;
        try {
            protection = new ProtectionSettings(enabled, cpuPercent, rssMb << 20, D.heapPercent(), tripSamples,
                    calmSamples, Duration.ofMillis(Math.round(intervalSeconds * 1000)));
        } catch (UsageException e) {
            throw new UsageException("--protect-*: " + e.getMessage().replace("protection ", "")
                    + " (--protect-cpu, --protect-rss-mb, --protect-samples, --protect-calm)");
        }
        return new OpsSettings(protection, metrics == null ? MetricsSettings.OFF
                : new MetricsSettings(MetricsSettings.address(metrics, "--metrics")));
    }
}
