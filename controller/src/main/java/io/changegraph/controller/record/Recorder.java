package io.changegraph.controller.record;

import io.changegraph.consumer.Consumer;
import io.changegraph.consumer.ConsumerStats;
import io.changegraph.controller.ExitCodes;
import io.changegraph.controller.UsageException;
import io.changegraph.controller.ops.MetricsEndpoint;
import io.changegraph.controller.ops.RecorderMeters;
import io.changegraph.controller.ops.SelfProtection;
import io.changegraph.controller.config.InstalledRules;
import io.changegraph.controller.os.EnvironmentCheck;
import io.changegraph.controller.os.Host;
import io.changegraph.controller.os.Posix;
import io.changegraph.controller.os.ProcessTree;
import io.changegraph.controller.os.Tracing;
import io.changegraph.impact.Impact;
import io.changegraph.impact.SummaryFormats;
import io.changegraph.monitor.Monitor;
import io.changegraph.monitor.MonitorConfig;
import io.changegraph.monitor.RuleSet;
import io.changegraph.monitor.SessionFacts;
import io.changegraph.probes.ProbeCounters;
import io.changegraph.probes.TraceProbe;
import io.changegraph.repository.formats.GraphDeltaFile;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.io.TerminalText;
import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Ids;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Session;
import io.changegraph.repository.model.Stats;
import io.changegraph.repository.model.Verb;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One recording, start to end: checks → probes loaded and attached → target started (or found) and
 * followed → records polled on one dedicated thread into the {@link SessionPipeline} → graph file rewritten
 * every flush interval (so a crash loses at most one interval) → final graph written.
 */
public final class Recorder {
    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);
    private static final Path PROC = Path.of("/proc");
    private static final DateTimeFormatter SESSION_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** started by sh so that it can stop itself until it is followed, then exec the command */
    private static final String STOPPED_STUB = "kill -STOP $$; exec \"$@\"";

    private static final long WARM_UP_WAIT_MS = 400;

    private final RecordOptions options;
    private final PrintStream err;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private volatile boolean rootExited;
    /** the recorder's self-protection: its steps go into the graph's stats */
    private volatile SelfProtection protection;

    public Recorder(RecordOptions options, PrintStream err) {
        this.options = options;
        this.err = err;
    }

    /** Records until the end condition; returns the exit code (the command's own in command mode). */
    public int run() throws IOException, InterruptedException {
        // compiles the decoding and graph code while the probes load: see Consumer.warmUp
        Thread warmUp = Thread.ofPlatform().name("changegraph-warmup").daemon().start(() -> {
            long start = System.nanoTime();
            ConsumerStats stats = Consumer.warmUp();
            warmUpGraphWriter();   // the final summary and write then cost their work only, not loading classes
            LOG.debug("JIT warm-up: {} records in {} ms", stats.records(), (System.nanoTime() - start) / 1_000_000);
        });
        // the rules parse while the environment is checked: a --pid recording follows as soon as it can
        java.util.concurrent.CompletableFuture<RuleSet> rulesLoading = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> InstalledRules.resolve(options.rules(), options.noRules(), null));
        new EnvironmentCheck().requireRecordingPossible();
        Path output = options.output().toAbsolutePath();
        requireWritableParent(output);
        if (options.pid() != 0 && !Files.isDirectory(PROC.resolve(Integer.toString(options.pid())))) {
            throw new UsageException("no process with pid " + options.pid()
                    + ": give the pid of a running process (e.g. a login shell's $$)");
        }
        if (!options.command().isEmpty()) {
            requireCommandExists(options.command().getFirst());
        }
        options.cpu().choose(Tracing.allowedCpus(), true);   // a CPU this process may not use: say so before tracing
        RuleSet rules = InstalledRules.await(rulesLoading);
        int self = (int) ProcessHandle.current().pid();
        // the pipeline exists only once the session does; records cannot arrive before a follow()
        AtomicReference<SessionPipeline> pipelineRef = new AtomicReference<>();
        try (OutputStream raw = openRaw();
             Monitor monitor = rules == null ? null : InstalledRules.start(rules, monitorConfig(rules), err);
             Tracing tracing = Tracing.start(options.tunables(), record -> handle(record, pipelineRef.get(), raw),
                     options.lowPriority())) {
            TraceProbe probe = tracing.probe();
            protection = tracing.closesFirst(SelfProtection.start(options.ops().protection(), tracing.probe()::setDegradeLevel,
                    line -> err.println("changegraph: " + line)));
            Process child = options.command().isEmpty() ? null : spawnStopped(options.command());
            tracing.placeRecorder(options.cpu());   // after the spawn: the command keeps every CPU
            int rootPid = child != null ? (int) child.pid() : options.pid();
            List<String> command = child != null ? options.command() : cmdline(rootPid);
            String host = Host.name();
            Session session = new Session(SESSION_TIME.format(Instant.now()) + "-" + host + "-" + rootPid,
                    host, userName(), rootPid, command, Instant.now(), null);
            SessionPipeline pipeline = new SessionPipeline(session, rules, monitor, null,
                    Consumer.epochOffsetNs(Clock.systemUTC()))
                    .describedAs(facts(session, output))
                    .onEvent(event -> {
                        if (event.verb() == Verb.EXIT && event.subject().pid() == rootPid) {
                            rootExited = true;
                        }
                    });
            Consumer consumer = pipeline.consumer();
            pipelineRef.set(pipeline);
            metrics = options.ops().metrics().enabled() ? MetricsEndpoint.start(options.ops().metrics().listen(),
                    new RecorderMeters.Sources(() -> consumer.stats().events(), tracing::records,
                            () -> probe.counters().total(), () -> consumer.stats().droppedUser() + probe.handlerFailures(),
                            probe::degradedSkips, probe::ringBacklog, options.tunables().ringBufferBytes(),
                            () -> child == null || child.isAlive() ? 1 : 0,
                            () -> monitor == null ? 0 : monitor.pendingMessages(),
                            () -> monitor == null ? 0 : monitor.droppedHits(), protection)) : null;

            // the command starts once the warm-up is done (or has had its time)
            warmUp.join(WARM_UP_WAIT_MS);
            follow(probe, pipeline, rootPid, self, child == null);
            if (child != null) {
                Posix.kill(rootPid, Posix.SIGCONT);
            }
            installSignalHandlers(child);
            StatusLine status = new StatusLine(err, options.statusLine() && Posix.isatty(2));
            Duration snapshotEvery = options.flushEvery();
            long lastSnapshot = System.nanoTime();
            try {
                while (!finished(child, probe, tracing)) {
                    long tick = Math.min(options.flushEvery().toMillis(), 200);
                    if (child != null && child.isAlive()) {
                        child.waitFor(tick, TimeUnit.MILLISECONDS);   // a short command ends the wait at once
                    } else {
                        Thread.sleep(child != null && !rootExited ? 5 : tick);   // its exit record is on its way
                    }
                    if (status.due()) {
                        status.show(consumer.stats(), probe.counters(), rootPid);
                    }
                    if (System.nanoTime() - lastSnapshot >= snapshotEvery.toNanos()) {
                        long t = System.nanoTime();
                        writeSnapshot(pipeline, consumer, probe, output);
                        lastSnapshot = System.nanoTime();
                        // a big graph is not rewritten more than ~5% of the time: the recorder stays cheap
                        snapshotEvery = max(options.flushEvery(), Duration.ofNanos(20 * (lastSnapshot - t)));
                    }
                }
            } finally {
                status.clear();
            }
            // whatever the kernel produced before the end is still in the ring buffer
            tracing.stopAndDrain();
            LOG.info("recording ended; writing the graph");
            long ended = System.nanoTime();
            GraphDocument done = pipeline.finish(Instant.now(), stats(consumer, probe));
            long finished = System.nanoTime();
            Path written = writeFinal(done, output);
            LOG.debug("end: final graph and summary in {} ms; written in {} ms", (finished - ended) / 1_000_000,
                    (System.nanoTime() - finished) / 1_000_000);
            GraphDeltaFile.delete(output);   // the final file alone: a viewer reads it whole once
            logUsage();
            ProbeCounters counters = probe.counters();
            if (written != null) {
                err.printf("changegraph: wrote %s (%d nodes, %d edges, %d events, %d lost in kernel, %d dropped)%n",
                        written, done.nodes().size(), done.edges().size(), done.stats().events(), counters.total(),
                        done.stats().droppedUser());
            }
            if (!done.stats().degradations().isEmpty()) {
                err.println("changegraph: self-protection recorded less during " + done.stats().degradations().size()
                        + " step(s): " + SelfProtection.describe(done.stats().degradations()));
            }
            if (done.summary() != null) {
                err.print(TerminalText.lines(SummaryFormats.brief(done.summary(), 6)));   // paths and argv: escaped
            }
            if (!output.equals(written) && child == null) {
                return ExitCodes.INTERNAL;   // with a command, its own status wins: the line above names the file
            }
            if (tracing.failure() != null) {
                err.println("changegraph: recording stopped early: " + tracing.failure().getMessage());
                return ExitCodes.INTERNAL;
            }
            if (child != null) {
                child.waitFor();
                return child.exitValue();
            }
            return 0;
        } finally {
            if (metrics != null) {
                metrics.close();
            }
        }
    }

    /** Summarises a small graph with each kind of node, an edge and an alert and writes it into a string. */
    private static void warmUpGraphWriter() {
        ProcessNode shell = new ProcessNode(1, 1, 0, "/bin/sh", List.of("sh"), "/", 0, 0, null, null, true,
                Instant.EPOCH, null);
        ChangeGraph graph = new ChangeGraph(new Session("warm-up", "localhost", "root", 1, List.of("sh"), Instant.EPOCH,
                null));
        graph.apply(Event.once(Instant.EPOCH, shell, Verb.WRITE, FileRef.of("/tmp/warm-up"), false, "0644"));
        graph.apply(Event.once(Instant.EPOCH, shell, Verb.CONNECT, new RemoteNode("ipv4", "127.0.0.1", 1), true, null));
        graph.addAlert(new Alert("warm-up", "info", "", null, shell.id(), Verb.WRITE, Ids.file("/tmp/warm-up", 0),
                Instant.EPOCH));
        GraphDocument document = graph.snapshotWithDelta().graph();
        // the final summary then costs the summarising only, not parsing behaviours.yaml and loading its classes
        GraphJson.toJson(document.withSummary(Impact.summarise(document)));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The recorder's own cost, for benchmarks: CPU seconds and peak resident memory. */
    private static void logUsage() {
        try {
            String hwm = Files.readAllLines(PROC.resolve("self/status")).stream()
                    .filter(l -> l.startsWith("VmHWM:")).findFirst().orElse("VmHWM: ? kB").substring(6).strip();
            long cpuMs = ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
            LOG.info("recorder usage: cpu {} ms, peak rss {}", cpuMs, hwm);
        } catch (IOException e) {
            LOG.debug("no usage figures: {}", e.getMessage());
        }
    }

    private boolean finished(Process child, TraceProbe probe, Tracing tracing) {
        if (stopRequested.get() || tracing.failure() != null) {
            return true;
        }
        // a reaped command's exit record is already in the ring buffer (the kernel writes it before the parent
        // can reap it): stopAndDrain reads it, no need to wait for the poller to hand it over
        boolean rootGone = child != null ? !child.isAlive()
                : rootExited || !Files.isDirectory(PROC.resolve(Integer.toString(options.pid())));
        return rootGone && (!options.waitAll() || probe.noneFollowed());
    }

    /**
     * Follows the root and, with {@code --pid}, its existing descendants (parents first), seeded from /proc: see
     * {@link Follower}. A command's stopped stub has no children: no scan of /proc for them.
     */
    private void follow(TraceProbe probe, SessionPipeline pipeline, int rootPid, int self, boolean descendants) {
        Set<Integer> exclude = descendants ? ProcessTree.selfAndAncestors(ProcessTree.parents(PROC), self) : Set.of();
        try {
            int seeded = new Follower(PROC, probe).follow(pipeline, rootPid, null, descendants, exclude,
                    Follower.ONLY_SESSION);
            LOG.info("following {} existing process(es) under pid {}", seeded, rootPid);
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static void handle(MemorySegment record, SessionPipeline pipeline, OutputStream raw) {
        if (raw != null) {
            try {
                byte[] bytes = record.toArray(ValueLayout.JAVA_BYTE);
                raw.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length).array());
                raw.write(bytes);
            } catch (IOException e) {
                LOG.warn("cannot write raw records: {}", e.getMessage());
            }
        }
        if (pipeline != null) {
            pipeline.accept(record);
        }
    }

    private OutputStream openRaw() throws IOException {
        return options.rawRecords() == null ? null
                : new BufferedOutputStream(Files.newOutputStream(options.rawRecords()), 1 << 16);
    }

    /** the metrics endpoint, or null */
    private MetricsEndpoint metrics;

    private void writeSnapshot(SessionPipeline pipeline, Consumer consumer, TraceProbe probe, Path output) {
        try {
            pipeline.writeSnapshot(output, stats(consumer, probe));
        } catch (RuntimeException e) {
            LOG.warn("cannot write the graph snapshot to {}: {}", output, e.getMessage());
        }
    }

    /** Who ran the recording, from where, for alert messages. */
    private static SessionFacts facts(Session session, Path output) {
        String sudoUid = System.getenv("SUDO_UID");
        int uid;
        try {
            uid = sudoUid != null && !sudoUid.isBlank() ? Integer.parseInt(sudoUid.strip()) : Host.currentUid();
        } catch (RuntimeException e) {
            uid = -1;
        }
        String tty;
        try {
            String link = Files.readSymbolicLink(PROC.resolve("self/fd/0")).toString();
            tty = link.startsWith("/dev/pts/") || link.startsWith("/dev/tty") ? link : "";
        } catch (IOException | UnsupportedOperationException e) {
            tty = "";
        }
        return new SessionFacts(session.id(), session.host(), session.user(), Math.max(uid, -1),
                SessionFacts.sshClient(System.getenv("SSH_CONNECTION")), tty, session.command(), session.started(),
                "changegraph serve " + output);
    }

    private MonitorConfig monitorConfig(RuleSet rules) {
        MonitorConfig config = rules.config();
        return options.alertLog() == null ? config : config.withAlertLog(options.alertLog());
    }

    /**
     * Writes the final graph; if that fails (disk full, directory gone) it is kept in $TMPDIR (else the JVM's temp
     * directory) instead, and a live snapshot left at {@code output} is removed, so nothing shows a recording that
     * ended as live forever. One line on stderr names the file; null when no file could be written.
     */
    private Path writeFinal(GraphDocument done, Path output) {
        try {
            GraphJson.write(done, output);
            return output;
        } catch (RuntimeException e) {
            String removed = removeStaleSnapshot(output);
            Path fallback = fallbackDirectory().resolve("changegraph-" + done.session().id() + ".json");
            try {
                GraphJson.write(done, fallback);
            } catch (RuntimeException second) {
                err.println("changegraph: cannot write " + output + " (" + e.getMessage() + ") nor " + fallback + " ("
                        + second.getMessage() + "): the graph is lost" + removed);
                return null;
            }
            err.println("changegraph: cannot write " + output + " (" + e.getMessage() + "); the graph is saved as "
                    + fallback + " instead" + removed);
            return fallback;
        }
    }

    /** $TMPDIR when it names a directory, else java.io.tmpdir. */
    static Path fallbackDirectory() {
        String tmp = System.getenv("TMPDIR");
        if (tmp != null && !tmp.isBlank() && Files.isDirectory(Path.of(tmp))) {
            return Path.of(tmp);
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** Removes the last periodic snapshot at {@code output} (it says the session is live); the note for the line. */
    private static String removeStaleSnapshot(Path output) {
        try {
            if (Files.isRegularFile(output) && GraphJson.read(output).session().ended() == null) {
                Files.delete(output);
                return " (the live snapshot at " + output + " was removed)";
            }
        } catch (IOException | RuntimeException e) {
            return " (the snapshot at " + output + " could not be removed: " + e.getMessage() + ")";
        }
        return "";
    }

    private Stats stats(Consumer consumer, TraceProbe probe) {
        ConsumerStats c = consumer.stats();
        Stats stats = new Stats(c.events(), probe.counters().total(), c.droppedUser() + probe.handlerFailures());
        SelfProtection p = protection;
        return p == null ? stats : stats.withDegradations(p.steps(Instant.MIN, null));
    }

    /** Starts the command stopped (it stops itself), so it is followed before its first instruction. */
    private Process spawnStopped(List<String> command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", STOPPED_STUB, "changegraph-record"));
        argv.addAll(command);
        Process child = new ProcessBuilder(argv).inheritIO().start();
        Path stat = PROC.resolve(child.pid() + "/stat");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String s = Files.exists(stat) ? Files.readString(stat) : "";
            if (s.length() > s.lastIndexOf(')') + 2 && s.charAt(s.lastIndexOf(')') + 2) == 'T') {
                return child;
            }
            if (!child.isAlive()) {
                throw new UsageException("the command exited before it could be followed (status "
                        + child.exitValue() + ")");
            }
            Thread.sleep(1);
        }
        child.destroyForcibly();
        throw new UsageException("the command did not start within 10 s");
    }

    private void installSignalHandlers(Process child) {
        if (child == null) {
            // following an existing process: Ctrl-C, TERM and HUP end the recording
            for (String name : List.of("INT", "TERM", "HUP")) {
                Signal.handle(new Signal(name), s -> stopRequested.set(true));
            }
        } else {
            // the command gets the terminal's Ctrl-C itself; its exit ends the recording
            Signal.handle(new Signal("INT"), s -> { });
            for (String name : List.of("TERM", "HUP")) {
                Signal.handle(new Signal(name), s -> Posix.kill(child.pid(), s.getNumber()));
            }
        }
    }

    private static void requireWritableParent(Path output) {
        Path parent = output.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new UsageException("cannot write " + output + ": directory " + parent + " does not exist");
        }
        if (Files.isDirectory(output)) {
            throw new UsageException("cannot write " + output + ": it is a directory; give a file name");
        }
        if (!Files.isWritable(parent)) {
            throw new UsageException("cannot write " + output + ": directory " + parent + " is not writable");
        }
    }

    private static void requireCommandExists(String name) {
        if (name.contains("/")) {
            if (!Files.isExecutable(Path.of(name))) {
                throw new UsageException("command '" + name + "' not found or not executable");
            }
            return;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name)) && !Files.isDirectory(Path.of(dir, name))) {
                return;
            }
        }
        throw new UsageException("command '" + name + "' not found on PATH");
    }

    private static List<String> cmdline(int pid) {
        try {
            byte[] bytes = Files.readAllBytes(PROC.resolve(pid + "/cmdline"));
            List<String> args = new ArrayList<>();
            int from = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == 0) {
                    args.add(new String(bytes, from, i - from));
                    from = i + 1;
                }
            }
            return args;
        } catch (IOException e) {
            return List.of();
        }
    }

    static String userName() {
        String sudoUser = System.getenv("SUDO_USER");
        return sudoUser != null && !sudoUser.isBlank() ? sudoUser : System.getProperty("user.name", "");
    }
}
