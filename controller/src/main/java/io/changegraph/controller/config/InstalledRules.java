package io.changegraph.controller.config;

import io.changegraph.controller.UsageException;
import io.changegraph.monitor.Monitor;
import io.changegraph.monitor.MonitorConfig;
import io.changegraph.monitor.RuleSet;
import io.changegraph.monitor.RulesException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which rules {@code record} and {@code alerts flush} use: the file given with {@code --rules}; else the
 * agent's rules file when one is installed ({@code rules:} in the agent's config.yaml, see
 * {@link AgentConfig}); else the rules.yaml shipped in the jar. {@code --no-rules}: none.
 */
public final class InstalledRules {
    private InstalledRules() {
    }

    /** The rules to evaluate, or null with {@code none}. */
    public static RuleSet resolve(Path given, boolean none, Path agentConfig) {
        if (none && given != null) {
            throw new UsageException("--rules and --no-rules contradict each other: give one of them");
        }
        if (none) {
            return null;
        }
        if (given != null) {
            return load(given);
        }
        Path installed;
        try {
            installed = AgentConfig.load(agentConfig).rules();
        } catch (UsageException e) {
            throw new UsageException(e.getMessage() + " (it names the installed rules; or give --rules FILE or"
                    + " --no-rules)");
        }
        if (installed != null) {
            if (!Files.isRegularFile(installed)) {
                throw new UsageException("the agent's config names the rules file " + installed + ", which does not"
                        + " exist: create it (e.g. a copy of the shipped rules.yaml), or give --rules FILE or --no-rules");
            }
            return load(installed);
        }
        return RuleSet.shipped();
    }

    /** The rules of a {@link #resolve} run in the background; its usage error as if thrown here. */
    public static RuleSet await(java.util.concurrent.CompletableFuture<RuleSet> loading) {
        try {
            return loading.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static RuleSet load(Path file) {
        try {
            return RuleSet.load(file);
        } catch (RulesException e) {
            throw new UsageException(e.problems().getFirst() + " (check the file with: changegraph rules check " + file
                    + "; or record with --no-rules)");
        }
    }

    /** Starts the monitor; an alert log or outbox it cannot create is a usage error naming the way out. */
    public static Monitor start(RuleSet rules, MonitorConfig config, PrintStream err) {
        try {
            return new ReportingMonitor(Monitor.start(rules, config), err);
        } catch (IOException e) {
            throw new UsageException(e.getMessage() + "; or record with --no-rules");
        }
    }

    /**
     * Closing waits for the alert messages to go out (up to the rules file's {@code alerts.drain_seconds})
     * and then says on stderr how many are left and where they wait.
     */
    private record ReportingMonitor(Monitor monitor, PrintStream err) implements Monitor {
        @Override
        public List<io.changegraph.repository.model.Alert> onEvent(io.changegraph.repository.model.Event event,
                                                             io.changegraph.monitor.SessionContext context) {
            return monitor.onEvent(event, context);
        }

        @Override
        public List<io.changegraph.repository.model.Alert> onSummary(io.changegraph.repository.model.GraphDocument snapshot,
                                                               io.changegraph.monitor.SessionContext context) {
            return monitor.onSummary(snapshot, context);
        }

        @Override
        public void endSession(String sessionId) {
            monitor.endSession(sessionId);
        }

        @Override
        public long droppedHits() {
            return monitor.droppedHits();
        }

        @Override
        public int pendingMessages() {
            return monitor.pendingMessages();
        }

        @Override
        public Path outbox() {
            return monitor.outbox();
        }

        @Override
        public void close() {
            monitor.close();
            int left = monitor.pendingMessages();
            if (left > 0) {
                err.println("changegraph: " + left + (left == 1 ? " alert message was" : " alert messages were")
                        + " not delivered in time; " + (monitor.outbox() == null
                        ? "the rules file sets no alerts.outbox, so they are lost"
                        : "they wait in " + monitor.outbox() + ": send them with 'changegraph alerts flush'"));
            }
        }
    }
}
