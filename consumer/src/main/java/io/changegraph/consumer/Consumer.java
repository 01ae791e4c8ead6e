package io.changegraph.consumer;

import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;
import io.changegraph.repository.model.Session;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns ring-buffer records into subject-verb-object {@link io.changegraph.repository.model.Event}s: the
 * module's facade. Records are dispatched on their header's kind to one decoder per kind; the
 * decoders keep a table of the followed processes with their fds and cwd, so every path is absolute.
 *
 * <p>{@link #accept} is called on one thread (the ring-buffer poll thread); {@link #stats()} and
 * {@link #process(int)} may be read from any thread.
 */
public final class Consumer {
    private static final Logger LOG = LoggerFactory.getLogger(Consumer.class);
    /** The problem of a record no decoder check caught: a defect here, never expected. */
    static final String UNEXPECTED = "decoding failed unexpectedly";

    private final Counters counters = new Counters();
    private final ProblemLog problems;
    private final ProcessTable processes;
    private final EventEmitter events;
    private final Map<Integer, RecordDecoder> decoders = new HashMap<>();
    private final RecordView view = new RecordView();

    Consumer(EventSink sink, long epochOffsetNs, ProcessLookup lookup) {
        this(sink, epochOffsetNs, lookup, new ProblemLog());
    }

    private Consumer(EventSink sink, long epochOffsetNs, ProcessLookup lookup, ProblemLog problems) {
        this.problems = problems;
        this.processes = new ProcessTable(counters, problems);
        this.events = new EventEmitter(sink, epochOffsetNs, counters);
        decoders.put(WireLayouts.KIND_FORK, new ForkDecoder(processes, events));
        decoders.put(WireLayouts.KIND_EXEC, new ExecDecoder(processes, events));
        decoders.put(WireLayouts.KIND_EXIT, new ExitDecoder(processes, events));
        decoders.put(WireLayouts.KIND_IO, new IoDecoder(processes, events));
        NetNames names = new NetNames();
        TcpDecoder tcp = new TcpDecoder(processes, events, names);
        decoders.put(WireLayouts.KIND_SYSCALL, new SyscallDecoder(processes, events, List.of(new FileOps(events),
                new FdOps(), new NetOps(events, names, tcp), new ProcessOps(events, processes, lookup), new ModuleOps(events))));
        decoders.put(WireLayouts.KIND_TCP, tcp);
        decoders.put(WireLayouts.KIND_PAYLOAD, new PayloadDecoder(processes, events, names));
    }

    /**
     * @param wallClock read once, to map the kernel's CLOCK_MONOTONIC timestamps to wall-clock time
     */
    public static Consumer create(EventSink sink, Clock wallClock) {
        return create(sink, epochOffsetNs(wallClock));
    }

    /**
     * @param epochOffsetNs what to add to a record's monotonic time to get epoch ns ({@link #epochOffsetNs}):
     *                      consumers that decode the same records into the same times share it
     */
    public static Consumer create(EventSink sink, long epochOffsetNs) {
        return new Consumer(sink, epochOffsetNs, ProcessLookup.proc(Path.of("/proc")));
    }

    /** The kernel's CLOCK_MONOTONIC (the records' clock) to epoch ns, from {@code wallClock} read now. */
    public static long epochOffsetNs(Clock wallClock) {
        Instant now = wallClock.instant();
        long epochNs = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
        return epochNs - System.nanoTime();
    }

    /**
     * Replays the bundled recording of a small, typical change (see {@code scripts/warmup-fixture.sh}) into
     * a throwaway graph, so that the JIT has compiled the decoding and graph code before a recorded command
     * runs: otherwise its first seconds are decoded by the interpreter, on a core the command could use.
     * Touches no table of any other consumer. Returns the throwaway consumer's counters (no records if the
     * fixture is missing or unreadable: warming up is only an optimisation).
     */
    public static ConsumerStats warmUp() {
        ChangeGraph graph = new ChangeGraph(new Session("warm-up", "localhost", "root", 1, List.of("warm-up"),
                Instant.EPOCH, null));
        Consumer consumer = new Consumer(graph::apply, 0, pid -> "/usr/bin/env", new ProblemLog(true));
        long records = 0;
        try (InputStream in = Consumer.class.getResourceAsStream("warmup.bin")) {
            if (in == null) {
                return consumer.stats();
            }
            RecordStreamReader reader = new RecordStreamReader(new BufferedInputStream(in, 1 << 16));
            Arena arena = Arena.ofAuto();
            MemorySegment buffer = arena.allocate(RecordStreamReader.MAX_RECORD, 8);
            for (Optional<MemorySegment> r = reader.next(); r.isPresent(); r = reader.next()) {
                // native memory, like the ring buffer's samples, so the same code paths get compiled
                long size = r.get().byteSize();
                MemorySegment.copy(r.get(), 0, buffer, 0, size);
                consumer.accept(buffer.asSlice(0, size));
                records++;
            }
        } catch (IOException e) {
            LOG.debug("JIT warm-up stopped after {} records: {}", records, e.getMessage());
        }
        graph.snapshot();
        return consumer.stats();
    }

    /**
     * Decodes one ring-buffer record and emits its events. Never throws: a record that cannot be
     * decoded (or that the sink fails on) is counted in {@code droppedUser} and logged, rate-limited.
     *
     * @param record one record; its header's {@code size} may be less than the segment (a reserved
     *               sample), never more
     */
    public void accept(MemorySegment record) {
        counters.records.incrementAndGet();
        try {
            decode(record);
        } catch (DroppedRecordException e) {
            drop(e.problem(), e.getMessage());
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;   // out of memory or stack: nothing sensible to do here
            }
            drop(UNEXPECTED, "record not decoded: " + e);
        }
    }

    private void decode(MemorySegment record) {
        long length = record.byteSize();
        if (length < WireLayouts.CG_HEADER.byteSize()) {
            throw new DroppedRecordException("record shorter than header", "record of " + length
                    + " bytes is shorter than its " + WireLayouts.CG_HEADER.byteSize() + "-byte header");
        }
        RecordView bytes = view.load(record);
        RecordHeader header = RecordHeader.read(bytes);
        RecordDecoder decoder = decoders.get(header.kind());
        if (decoder == null) {
            throw new DroppedRecordException("unknown record kind", "record of unknown kind "
                    + Integer.toUnsignedString(header.kind()));
        }
        long minimum = decoder.layout().byteSize();
        if (header.size() < minimum || header.size() > length) {
            throw new DroppedRecordException("bad record size", decoder.layout().name().orElse("record")
                    + " record declares size " + header.size() + ": it must be at least " + minimum
                    + " (the struct) and at most " + length + " (the bytes received)");
        }
        if (header.tgid() <= 0) {
            throw new DroppedRecordException("bad tgid", "record from tgid " + header.tgid());
        }
        bytes.limit((int) header.size());
        decoder.decode(bytes, header);
    }

    /** How many times {@code problem} was reported (a DroppedRecordException's problem, or "unknown process"). */
    long problemCount(String problem) {
        return problems.count(problem);
    }

    private void drop(String problem, String message) {
        counters.droppedUser.incrementAndGet();
        problems.report(problem, message);
    }

    /**
     * Registers a process that was running before following started, with its fds, cwd, exe and argv.
     * Emits nothing: the process becomes a subject with its first event. Seed parents before children.
     */
    public void seedProcess(ProcSnapshot p) {
        FdTable fds = new FdTable();
        p.fds().forEach((fd, link) -> {
            FdEntry entry = FdEntry.fromProcLink(link, p.cloexecFds().contains(fd));
            RemoteNode peer = p.socketPeers().get(fd);
            fds.put(fd, peer != null && entry.kind() == FdEntry.Kind.SOCKET ? entry.connectedTo(peer) : entry);
        });
        ResolvedPath cwd = p.cwd().startsWith("/") ? new ResolvedPath(p.cwd(), true) : ResolvedPath.unresolved("cwd");
        // start times are boot-clock ns, mapped like monotonic ones: off by the time the host was suspended
        ProcessNode node = new ProcessNode(p.pid(), p.startNs(), p.ppid(), p.exe(), p.argv(), cwd.path(), p.uid(),
                p.euid(), null, null, true, events.time(p.startNs()), null);
        processes.add(node, fds, cwd);
    }

    /**
     * A record's header (kind, process, size; a fork's child) without decoding it, or null when the record is
     * shorter than its header: for routing records before they are decoded.
     */
    public static RecordPeek peek(MemorySegment record) {
        return RecordPeek.of(record);
    }

    /** Reads a running process from a proc tree ({@code /proc}, or a fake one in tests). */
    public static ProcSnapshot readProc(Path procRoot, int pid) throws IOException {
        return ProcReader.read(procRoot, pid);
    }

    public ConsumerStats stats() {
        return counters.snapshot();
    }

    /** The current node of a live followed process. */
    public Optional<ProcessNode> process(int tgid) {
        return processes.find(tgid).map(TrackedProcess::node);
    }
}
