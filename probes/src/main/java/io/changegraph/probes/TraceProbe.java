package io.changegraph.probes;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The changegraph BPF object: process-tree following and syscall records. Lifecycle, in order:
 * {@link #open()} → {@link #configure(ProbeTunables)} → {@link #load()} → {@link #attach()} →
 * {@link #follow(int)} / {@link #poll(int, RecordHandler)} on one thread → {@link #close()}.
 * Not thread-safe except {@link #follow}, {@link #unfollow}, {@link #counters()} and
 * {@link #isFollowed}, which only touch maps.
 */
public final class TraceProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TraceProbe.class);
    private static final String OBJECT_RESOURCE = "changegraph.bpf.o";
    private static final Path TRACEFS_EVENTS = Path.of("/sys/kernel/tracing/events");
    private static final int BTF_KIND_DATASEC = 15;
    private static final long BPF_ANY = 0;
    private static final int ENOENT = 2;
    private static final int EINTR = 4;
    private static final int PROT_READ = 1;
    private static final int MAP_SHARED = 1;
    private static final long MAP_FAILED = -1L;
    private static final java.lang.invoke.VarHandle POSITION = JAVA_LONG.varHandle();

    private enum State { OPEN, CONFIGURED, LOADED, ATTACHED, CLOSED }

    private final Libbpf lib;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment object;
    private final List<MemorySegment> links = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final AtomicLong handlerFailures = new AtomicLong();
    private State state = State.OPEN;
    private MemorySegment ringBuffer = MemorySegment.NULL;
    /** the ring buffer's consumer and producer position pages, mapped read-only: how much is waiting */
    private MemorySegment ringPositions = MemorySegment.NULL;
    private long ringPageSize;
    private RecordHandler currentHandler;
    private int targetsFd = -1;
    private int countersFd = -1;
    private int degradeFd = -1;
    private volatile int degradeLevel;
    private int possibleCpus;

    private TraceProbe(Libbpf lib, MemorySegment object) {
        this.lib = lib;
        this.object = object;
    }

    /** Why libbpf.so.1 cannot be used here (one line with what to do), or empty when it can. */
    public static java.util.Optional<String> libbpfProblem() {
        try {
            Libbpf.get();
            return java.util.Optional.empty();
        } catch (ProbeException e) {
            return java.util.Optional.of(e.getMessage());
        }
    }

    /** Opens the BPF object embedded in this jar (from memory; nothing is written to disk). */
    public static TraceProbe open() {
        Libbpf lib = Libbpf.get();
        LibbpfLog.install(lib);
        return new TraceProbe(lib, lib.openEmbedded(TraceProbe.class, OBJECT_RESOURCE, "the BPF object"));
    }

    /** Sets map sizes and the rodata tunables; programs whose tracepoint this kernel lacks are skipped. */
    public TraceProbe configure(ProbeTunables tunables) {
        require(State.OPEN);
        try {
            setMaxEntries("targets", tunables.maxProcesses());
            setMaxEntries("io_tables", tunables.maxProcesses());
            setMaxEntries("events", tunables.ringBufferBytes());
            setRodata(Map.of("recorder_tgid", tunables.recorderTgid(),
                    "wakeup_bytes", tunables.ringBufferBytes() / 16, "payload_bytes", tunables.payloadBytes()));
            for (MemorySegment prog : programs()) {
                String section = sectionName(prog);
                if (section.startsWith("tp/") && !Files.isDirectory(TRACEFS_EVENTS.resolve(section.substring(3)))) {
                    int rc = (int) lib.programSetAutoload.invokeExact(prog, false);
                    if (rc == 0) {
                        skipped.add(section);
                    }
                }
            }
        } catch (ProbeException e) {
            throw e;
        } catch (Throwable t) {
            throw new ProbeException("cannot configure the BPF object: " + t, t);
        }
        if (!skipped.isEmpty()) {
            LOG.info("this kernel has no tracepoint for {}: those calls cannot happen here and are not traced",
                    skipped);
        }
        state = State.CONFIGURED;
        return this;
    }

    /** Verifies and loads the programs and creates the maps. */
    public TraceProbe load() {
        if (state == State.OPEN) {
            configure(ProbeTunables.DEFAULTS);
        }
        require(State.CONFIGURED);
        try {
            int rc = (int) lib.objectLoad.invokeExact(object);
            if (rc != 0) {
                throw new ProbeException("the kernel refused the BPF programs: " + lib.describe(rc)
                        + " (see the libbpf log above; root or CAP_BPF+CAP_PERFMON is needed)");
            }
            targetsFd = mapFd("targets");
            countersFd = mapFd("counters");
            degradeFd = mapFd("cg_degrade");
            possibleCpus = (int) lib.numPossibleCpus.invokeExact();
        } catch (ProbeException e) {
            throw e;
        } catch (Throwable t) {
            throw new ProbeException("cannot load the BPF object: " + t, t);
        }
        state = State.LOADED;
        return this;
    }

    /** Attaches every loaded program; returns how many are attached. */
    public int attach() {
        require(State.LOADED);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment capture = call.allocate(Libbpf.CAPTURE);
            for (MemorySegment prog : programs()) {
                if (!(boolean) lib.programAutoload.invokeExact(prog)) {
                    continue;
                }
                MemorySegment link = (MemorySegment) lib.programAttach.invokeExact(capture, prog);
                if (link.equals(MemorySegment.NULL)) {
                    throw new ProbeException("cannot attach " + sectionName(prog) + ": "
                            + lib.describe(Libbpf.errno(capture))
                            + " (tracefs must be mounted at /sys/kernel/tracing)");
                }
                links.add(link);
            }
            MemorySegment callback = Linker.nativeLinker().upcallStub(
                    MethodHandles.lookup().findVirtual(TraceProbe.class, "onSample",
                            MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, long.class))
                            .bindTo(this),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), arena);
            int eventsFd = mapFd("events");
            ringBuffer = (MemorySegment) lib.ringBufferNew.invokeExact(capture, eventsFd, callback,
                    MemorySegment.NULL, MemorySegment.NULL);
            if (ringBuffer.equals(MemorySegment.NULL)) {
                throw new ProbeException("cannot open the ring buffer: " + lib.describe(Libbpf.errno(capture)));
            }
            ringPageSize = (int) lib.pageSize.invokeExact();
            long length = 2 * ringPageSize;   // consumer position page, producer position page
            MemorySegment positions = (MemorySegment) lib.mmap.invokeExact(capture, MemorySegment.NULL,
                    length, PROT_READ, MAP_SHARED, eventsFd, 0L);
            if (positions.address() == MAP_FAILED) {
                throw new ProbeException("cannot map the ring buffer's positions: "
                        + lib.describe(Libbpf.errno(capture)));
            }
            // tied to the probe's arena: a read racing close() fails cleanly instead of touching unmapped memory
            ringPositions = positions.reinterpret(length, arena, segment -> unmap(segment, length));
        } catch (ProbeException e) {
            throw e;
        } catch (Throwable t) {
            throw new ProbeException("cannot attach: " + t, t);
        }
        state = State.ATTACHED;
        return links.size();
    }

    /** True when a program attaches to a tracefs tracepoint ({@code tp/...}), so tracefs must be mounted. */
    public boolean usesTracefs() {
        try {
            for (MemorySegment prog : programs()) {
                if (sectionName(prog).startsWith("tp/")) {
                    return true;
                }
            }
            return false;
        } catch (Throwable t) {
            throw new ProbeException("cannot list the BPF programs: " + t, t);
        }
    }

    /** Tracepoints this kernel does not have (their programs were not loaded). */
    public List<String> skippedPrograms() {
        return List.copyOf(skipped);
    }

    /** Follows a process (and, from now on, every child it forks). */
    public void follow(int tgid) {
        requireLoaded();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment key = call.allocateFrom(JAVA_INT, tgid);
            MemorySegment one = call.allocateFrom(ValueLayout.JAVA_BYTE, (byte) 1);
            MemorySegment capture = call.allocate(Libbpf.CAPTURE);
            int rc = (int) lib.mapUpdateElem.invokeExact(capture, targetsFd, key, one, BPF_ANY);
            if (rc != 0) {
                throw new ProbeException("cannot follow pid " + tgid + ": " + lib.describe(Libbpf.errno(capture))
                        + " (raise --max-processes if the target map is full)");
            }
        } catch (ProbeException e) {
            throw e;
        } catch (Throwable t) {
            throw new ProbeException("cannot follow pid " + tgid + ": " + t, t);
        }
    }

    public void unfollow(int tgid) {
        requireLoaded();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment key = call.allocateFrom(JAVA_INT, tgid);
            MemorySegment capture = call.allocate(Libbpf.CAPTURE);
            int rc = (int) lib.mapDeleteElem.invokeExact(capture, targetsFd, key);
            if (rc != 0 && Libbpf.errno(capture) != ENOENT) {
                throw new ProbeException("cannot stop following pid " + tgid + ": "
                        + lib.describe(Libbpf.errno(capture)));
            }
        } catch (ProbeException e) {
            throw e;
        } catch (Throwable t) {
            throw new ProbeException("cannot stop following pid " + tgid + ": " + t, t);
        }
    }

    public boolean isFollowed(int tgid) {
        requireLoaded();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment key = call.allocateFrom(JAVA_INT, tgid);
            MemorySegment value = call.allocate(1);
            MemorySegment capture = call.allocate(Libbpf.CAPTURE);
            return (int) lib.mapLookupElem.invokeExact(capture, targetsFd, key, value) == 0;
        } catch (Throwable t) {
            throw new ProbeException("cannot read the target map: " + t, t);
        }
    }

    /** True when no process is followed any more (all exited). */
    public boolean noneFollowed() {
        requireLoaded();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment next = call.allocate(JAVA_INT);
            MemorySegment capture = call.allocate(Libbpf.CAPTURE);
            int rc = (int) lib.mapGetNextKey.invokeExact(capture, targetsFd, MemorySegment.NULL, next);
            return rc != 0 && Libbpf.errno(capture) == ENOENT;
        } catch (Throwable t) {
            throw new ProbeException("cannot read the target map: " + t, t);
        }
    }

    /**
     * Waits up to {@code timeoutMs} for records and hands each to {@code handler} on this thread.
     * Returns the number of records consumed.
     */
    public int poll(int timeoutMs, RecordHandler handler) {
        require(State.ATTACHED);
        currentHandler = handler;
        try {
            int n = (int) lib.ringBufferPoll.invokeExact(ringBuffer, timeoutMs);
            if (n < 0 && n != -EINTR) {
                throw new ProbeException("ring buffer poll failed: " + lib.describe(n));
            }
            // the probes wake us only when much is waiting; after a timeout ring_buffer__poll has consumed
            // nothing, so take what has arrived since
            int more = (int) lib.ringBufferConsume.invokeExact(ringBuffer);
            return Math.max(n, 0) + Math.max(more, 0);
        } catch (ProbeException e) {
            throw e;
        } catch (Throwable t) {
            throw new ProbeException("ring buffer poll failed: " + t, t);
        } finally {
            currentHandler = null;
        }
    }

    /**
     * Bytes the probes have put into the ring buffer that no poll has consumed yet (headers included):
     * the kernel's producer position minus the consumer position. Safe from any thread.
     */
    public long ringBacklog() {
        try {
            long consumer = (long) POSITION.getAcquire(ringPositions, 0L);
            long producer = (long) POSITION.getAcquire(ringPositions, ringPageSize);
            return Math.max(0, producer - consumer);
        } catch (IllegalStateException | IndexOutOfBoundsException e) {
            return 0;   // not attached yet, or closed
        }
    }

    private void unmap(MemorySegment positions, long length) {
        try {
            int ignored = (int) lib.munmap.invokeExact(positions, length);
        } catch (Throwable t) {
            LOG.debug("munmap of the ring positions: {}", t.toString());
        }
    }

    /** Consumes everything already in the ring buffer without waiting. */
    public int drain(RecordHandler handler) {
        require(State.ATTACHED);
        currentHandler = handler;
        try {
            int n = (int) lib.ringBufferConsume.invokeExact(ringBuffer);
            return Math.max(n, 0);
        } catch (Throwable t) {
            throw new ProbeException("ring buffer drain failed: " + t, t);
        } finally {
            currentHandler = null;
        }
    }

    /** In-kernel loss counters. */
    public ProbeCounters counters() {
        requireLoaded();
        long[] sums = new long[5];
        try (Arena call = Arena.ofConfined()) {
            MemorySegment key = call.allocate(JAVA_INT);
            MemorySegment values = call.allocate(JAVA_LONG, Math.max(possibleCpus, 1));
            MemorySegment capture = call.allocate(Libbpf.CAPTURE);
            for (int i = 0; i < sums.length; i++) {
                key.set(JAVA_INT, 0, i);
                int rc = (int) lib.mapLookupElem.invokeExact(capture, countersFd, key, values);
                if (rc != 0) {
                    throw new ProbeException("cannot read the loss counters: " + lib.describe(Libbpf.errno(capture)));
                }
                for (int cpu = 0; cpu < possibleCpus; cpu++) {
                    sums[i] += values.getAtIndex(JAVA_LONG, cpu);
                }
            }
        } catch (ProbeException e) {
            throw e;
        } catch (Throwable t) {
            throw new ProbeException("cannot read the loss counters: " + t, t);
        }
        return new ProbeCounters(sums[0], sums[1], sums[2], sums[3], sums[4]);
    }

    /** The highest self-protection level (see {@link #setDegradeLevel}). */
    public static final int MAX_DEGRADE_LEVEL = 3;
    private static final int CG_CNT_DEGRADED = 5;

    /**
     * Sets the probes' self-protection level at run time (the {@code cg_degrade} map; no reload): 0 records
     * everything; 1 drops per-call detail (failed calls, read-only opens), 2 also payload capture, 3 also stops
     * following new children of processes without a controlling terminal. Safe from any thread.
     */
    public void setDegradeLevel(int level) {
        if (level < 0 || level > MAX_DEGRADE_LEVEL) {
            throw new IllegalArgumentException("degrade level " + level + " is not 0 to " + MAX_DEGRADE_LEVEL);
        }
        requireLoaded();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment key = call.allocateFrom(JAVA_INT, 0);
            MemorySegment value = call.allocateFrom(JAVA_INT, level);
            MemorySegment capture = call.allocate(Libbpf.CAPTURE);
            int rc = (int) lib.mapUpdateElem.invokeExact(capture, degradeFd, key, value, BPF_ANY);
            if (rc != 0) {
                throw new ProbeException("cannot set the degrade level: " + lib.describe(Libbpf.errno(capture)));
            }
            degradeLevel = level;
        } catch (ProbeException e) {
            throw e;
        } catch (Throwable t) {
            throw new ProbeException("cannot set the degrade level: " + t, t);
        }
    }

    /** The level last set by {@link #setDegradeLevel} (0 at load). */
    public int degradeLevel() {
        return degradeLevel;
    }

    /** Records, payloads and children not recorded on purpose because a degrade level was set (summed over CPUs). */
    public long degradedSkips() {
        requireLoaded();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment key = call.allocateFrom(JAVA_INT, CG_CNT_DEGRADED);
            MemorySegment values = call.allocate(JAVA_LONG, Math.max(possibleCpus, 1));
            MemorySegment capture = call.allocate(Libbpf.CAPTURE);
            int rc = (int) lib.mapLookupElem.invokeExact(capture, countersFd, key, values);
            if (rc != 0) {
                throw new ProbeException("cannot read the counters: " + lib.describe(Libbpf.errno(capture)));
            }
            long sum = 0;
            for (int cpu = 0; cpu < possibleCpus; cpu++) {
                sum += values.getAtIndex(JAVA_LONG, cpu);
            }
            return sum;
        } catch (ProbeException e) {
            throw e;
        } catch (Throwable t) {
            throw new ProbeException("cannot read the counters: " + t, t);
        }
    }

    /** Records whose handler threw (the record is dropped, the poll goes on). */
    public long handlerFailures() {
        return handlerFailures.get();
    }

    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        try {
            if (!ringBuffer.equals(MemorySegment.NULL)) {
                lib.ringBufferFree.invokeExact(ringBuffer);
            }
            for (int i = links.size() - 1; i >= 0; i--) {
                int ignored = (int) lib.linkDestroy.invokeExact(links.get(i));
            }
            lib.objectClose.invokeExact(object);
        } catch (Throwable t) {
            LOG.warn("closing the BPF object: {}", t.toString());
        } finally {
            links.clear();
            arena.close();
        }
    }

    private static final MemorySegment ALL_MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    /** The ring-buffer callback: runs on the polling thread inside ring_buffer__poll. Never throws. */
    private int onSample(MemorySegment ctx, MemorySegment data, long size) {
        try {
            RecordHandler handler = currentHandler;
            if (handler != null) {
                // a slice of one all-memory segment: reinterpret() per record would ask for the caller class
                handler.onRecord(ALL_MEMORY.asSlice(data.address(), size));
            }
        } catch (Throwable t) {
            if (handlerFailures.getAndIncrement() == 0) {
                LOG.warn("a record handler failed (counted, further failures not logged): {}", t.toString());
            }
        }
        return 0;
    }

    private List<MemorySegment> programs() throws Throwable {
        List<MemorySegment> result = new ArrayList<>();
        MemorySegment prog = MemorySegment.NULL;
        while (true) {
            prog = (MemorySegment) lib.objectNextProgram.invokeExact(object, prog);
            if (prog.equals(MemorySegment.NULL)) {
                return result;
            }
            result.add(prog);
        }
    }

    private String sectionName(MemorySegment prog) throws Throwable {
        MemorySegment name = (MemorySegment) lib.programSectionName.invokeExact(prog);
        return name.reinterpret(Long.MAX_VALUE).getString(0);
    }

    private MemorySegment map(String suffix) throws Throwable {
        return lib.map(object, suffix, "the BPF object");
    }

    private int mapFd(String name) throws Throwable {
        return (int) lib.mapFd.invokeExact(map(name));
    }

    private void setMaxEntries(String name, int entries) throws Throwable {
        lib.setMaxEntries(object, name, entries, "the BPF object");
    }

    /** Writes u32 tunables into .rodata at the offsets the object's BTF gives for each variable. */
    private void setRodata(Map<String, Integer> values) throws Throwable {
        MemorySegment rodata = map(".rodata");
        MemorySegment btf = (MemorySegment) lib.objectBtf.invokeExact(object);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment sizeOut = call.allocate(JAVA_LONG);
            MemorySegment data = (MemorySegment) lib.mapInitialValue.invokeExact(rodata, sizeOut);
            long size = sizeOut.get(JAVA_LONG, 0);
            data = data.reinterpret(size);
            int sec = (int) lib.btfFindByNameKind.invokeExact(btf, call.allocateFrom(".rodata"), BTF_KIND_DATASEC);
            if (sec < 0) {
                throw new ProbeException("the BPF object has no .rodata section in its BTF");
            }
            // struct btf_type { u32 name_off; u32 info; u32 size; } then vlen x btf_var_secinfo {type, offset, size}
            MemorySegment type = ((MemorySegment) lib.btfTypeById.invokeExact(btf, sec)).reinterpret(12 + 12 * 65536L);
            int vlen = type.get(JAVA_INT, 4) & 0xffff;
            int found = 0;
            for (int i = 0; i < vlen; i++) {
                long base = 12 + 12L * i;
                int varType = type.get(JAVA_INT, base);
                int offset = type.get(JAVA_INT, base + 4);
                int varSize = type.get(JAVA_INT, base + 8);
                MemorySegment var = ((MemorySegment) lib.btfTypeById.invokeExact(btf, varType)).reinterpret(12);
                MemorySegment name = (MemorySegment) lib.btfNameByOffset.invokeExact(btf, var.get(JAVA_INT, 0));
                Integer value = values.get(name.reinterpret(Long.MAX_VALUE).getString(0));
                if (value != null) {
                    if (varSize != 4 || offset + 4 > size) {
                        throw new ProbeException("tunable at offset " + offset + " is not a u32");
                    }
                    data.set(JAVA_INT, offset, value);
                    found++;
                }
            }
            if (found != values.size()) {
                throw new ProbeException("the BPF object lacks tunables " + values.keySet());
            }
        }
    }

    private void require(State expected) {
        if (state != expected) {
            throw new IllegalStateException("probe is " + state + ", expected " + expected);
        }
    }

    private void requireLoaded() {
        if (state != State.LOADED && state != State.ATTACHED) {
            throw new IllegalStateException("probe is " + state + ", expected it loaded");
        }
    }
}
