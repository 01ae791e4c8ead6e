package io.changegraph.probes;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The host-wide TCP anomaly camera's BPF object ({@code netwatch.bpf.c}): every outgoing TCP connection on the
 * host, its process noted at connect() (hooks on the cgroup2 root); its anomalies (SYN and data retransmits,
 * resets, errors) are classified and summed in the kernel per (process, cgroup, destination) as they happen and
 * come out as {@link Flow}s, one per key and drain. Lifecycle, in order:
 * {@link #open()} → {@link #configure(int)} → {@link #load()} → {@link #attach()} → {@link #poll(int, Consumer)}
 * on one thread → {@link #close()}. DNS answers any interface receives (source port 53) come as {@link Dns}
 * messages, before the flows drained in the same poll (see {@link #poll(int, Consumer, Consumer)}), unless
 * {@link #configure(int, boolean)} turned them off.
 */
public final class NetwatchProbe implements AutoCloseable {
    private static final String OBJECT_RESOURCE = "netwatch.bpf.o";
    private static final int EINTR = 4;
    private static final int ENOENT = 2;
    private static final int O_RDONLY_DIRECTORY = 0200000;   // O_RDONLY | O_DIRECTORY
    /** Keys each aggregation map holds when the caller does not say ({@code NW_AGG_MAX}). */
    public static final int DEFAULT_AGGREGATION_KEYS = 8192;

    /** {@code struct nw_key} of netwatch.h: what anomalies are summed by (checked by NetwatchLayoutTest). */
    public static final StructLayout KEY = MemoryLayout.structLayout(
            JAVA_LONG.withName("cgroup_id"), MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("daddr"),
            JAVA_INT.withName("tgid"), JAVA_SHORT.withName("family"), JAVA_SHORT.withName("dport")).withName("nw_key");

    /** {@code struct nw_counts} of netwatch.h: a key's anomalous connections (checked by NetwatchLayoutTest). */
    public static final StructLayout COUNTS = MemoryLayout.structLayout(
            JAVA_LONG.withName("connections"), JAVA_LONG.withName("syn_retransmits"),
            JAVA_LONG.withName("retransmits"), JAVA_LONG.withName("refused"), JAVA_LONG.withName("timed_out"),
            JAVA_LONG.withName("resets_received"), JAVA_LONG.withName("resets_sent"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("comm")).withName("nw_counts");

    /**
     * {@code struct nw_flow} of netwatch.h: a key and its counts, the ring record sent when the aggregation map had
     * no room for a new key (checked by NetwatchLayoutTest).
     */
    public static final StructLayout FLOW = MemoryLayout.structLayout(KEY.withName("key"), COUNTS.withName("counts"))
            .withName("nw_flow");

    /** The most bytes of a DNS message a {@link Dns} carries ({@code NW_DNS_MAX}). */
    public static final int DNS_MAX = 512;

    /** {@code struct nw_dns} of netwatch.h (checked against the object's BTF by NetwatchLayoutTest). */
    public static final StructLayout DNS = MemoryLayout.structLayout(
            JAVA_LONG.withName("ts_ns"), JAVA_INT.withName("len"), JAVA_INT.withName("total"),
            JAVA_BYTE.withName("tcp"), MemoryLayout.sequenceLayout(7, JAVA_BYTE).withName("pad"),
            MemoryLayout.sequenceLayout(DNS_MAX, JAVA_BYTE).withName("data")).withName("nw_dns");

    /**
     * The first bytes of a DNS answer the host received (any process, any network namespace).
     *
     * @param message the DNS message from its header on (over TCP without the 2-byte length prefix)
     * @param cut     true when the message was longer than {@link #DNS_MAX} bytes (the rest is not here)
     */
    public record Dns(long tsNanos, boolean tcp, byte[] message, boolean cut) {
        public Dns {
            if (message.length > DNS_MAX) {
                throw new IllegalArgumentException("a DNS message of " + message.length + " bytes: at most " + DNS_MAX);
            }
            message = message.clone();
        }

        @Override
        public byte[] message() {
            return message.clone();
        }
    }

    /**
     * The anomalies of one process, cgroup and destination's connections since the last drain, as the kernel
     * classified them when they happened.
     *
     * @param address         the remote address bytes (4 for IPv4, also for an IPv4 peer of a dual-stack socket;
     *                        16 for IPv6)
     * @param connections     connections whose first anomaly (or another error, such as EHOSTUNREACH) came since the
     *                        last drain: 0 when all of them had one before (a connection is counted once)
     * @param refused         connects that failed with ECONNREFUSED (a reset or an ICMP port unreachable)
     * @param timedOut        connections that failed with ETIMEDOUT
     * @param resetsReceived  established connections closed by a received reset (ECONNRESET, EPIPE)
     * @param resetsSent      resets sent (also the one an SO_LINGER-0 close sends)
     */
    public record Flow(long cgroupId, int tgid, String comm, int family, byte[] address, int port, long connections,
                       long synRetransmits, long retransmits, long refused, long timedOut, long resetsReceived,
                       long resetsSent) {
        public Flow {
            if (address.length != (family == 2 ? 4 : 16) || port < 0 || port > 65535) {
                throw new IllegalArgumentException("a flow to " + address.length + " address bytes (family " + family
                        + "), port " + port);
            }
            if (connections < 0 || synRetransmits < 0 || retransmits < 0 || refused < 0 || timedOut < 0
                    || resetsReceived < 0 || resetsSent < 0) {
                throw new IllegalArgumentException("impossible netwatch counts for port " + port);
            }
            java.util.Objects.requireNonNull(comm, "comm");
            address = address.clone();
        }

        @Override
        public byte[] address() {
            return address.clone();
        }
    }

    private enum State { OPEN, CONFIGURED, LOADED, ATTACHED, CLOSED }

    private final Libbpf lib;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment object;
    private final List<MemorySegment> links = new ArrayList<>();
    private final List<MemorySegment> programs = new ArrayList<>();
    private State state = State.OPEN;
    private MemorySegment ringBuffer = MemorySegment.NULL;
    private MemorySegment dnsRingBuffer = MemorySegment.NULL;
    private final List<Flow> polled = new ArrayList<>();
    private Consumer<Dns> currentDns;
    private boolean dnsOn = true;
    private int countersFd = -1;
    private int generationFd = -1;
    private final int[] aggregationFds = {-1, -1};
    private int generation;
    private int possibleCpus;
    private long malformed;

    private NetwatchProbe(Libbpf lib, MemorySegment object) {
        this.lib = lib;
        this.object = object;
    }

    /** Opens the BPF object embedded in this jar. */
    public static NetwatchProbe open() {
        Libbpf lib = Libbpf.get();
        LibbpfLog.install(lib);
        return new NetwatchProbe(lib, lib.openEmbedded(NetwatchProbe.class, OBJECT_RESOURCE, "the netwatch BPF object"));
    }

    /**
     * Sizes the ring buffer (a power of two, page multiple). The connections' processes sit in a fixed in-kernel
     * table of 65,536 slots (netwatch.bpf.c); an open connection evicted from it is counted in {@link #lost()}.
     */
    public NetwatchProbe configure(int ringBufferBytes) {
        return configure(ringBufferBytes, true);
    }

    /**
     * As {@link #configure(int)}; {@code dns} false leaves the DNS answer program unloaded (no packet is
     * looked at, no {@link Dns} comes).
     */
    public NetwatchProbe configure(int ringBufferBytes, boolean dns) {
        return configure(ringBufferBytes, dns, DEFAULT_AGGREGATION_KEYS);
    }

    /**
     * As {@link #configure(int, boolean)}, with room for {@code aggregationKeys} keys between two drains in each of
     * the two in-kernel aggregation maps (a new key beyond them comes through the ring buffer instead).
     */
    public NetwatchProbe configure(int ringBufferBytes, boolean dns, int aggregationKeys) {
        require(State.OPEN);
        if (Integer.bitCount(ringBufferBytes) != 1 || ringBufferBytes < 4096) {
            throw new IllegalArgumentException("ring buffer size " + ringBufferBytes
                    + " out of range (a power of two, at least 4096)");
        }
        if (aggregationKeys < 1) {
            throw new IllegalArgumentException("aggregation keys " + aggregationKeys + " out of range (at least 1)");
        }
        try {
            setMaxEntries("records", ringBufferBytes);
            setMaxEntries("agg0", aggregationKeys);
            setMaxEntries("agg1", aggregationKeys);
            dnsOn = dns;
            if (!dns) {
                MemorySegment prog = MemorySegment.NULL;
                while (!(prog = (MemorySegment) lib.objectNextProgram.invokeExact(object, prog)).equals(MemorySegment.NULL)) {
                    MemorySegment name = (MemorySegment) lib.programSectionName.invokeExact(prog);
                    if (name.reinterpret(Long.MAX_VALUE).getString(0).endsWith("sk_data_ready")) {
                        int rc = (int) lib.programSetAutoload.invokeExact(prog, false);
                        if (rc != 0) {
                            throw new ProbeException("cannot leave the DNS program out: " + lib.describe(rc));
                        }
                    }
                }
            }
        } catch (ProbeException e) {
            throw e;
        } catch (Throwable t) {
            throw new ProbeException("cannot configure the netwatch BPF object: " + t, t);
        }
        state = State.CONFIGURED;
        return this;
    }

    public NetwatchProbe load() {
        if (state == State.OPEN) {
            configure(1 << 20);
        }
        require(State.CONFIGURED);
        try {
            int rc = (int) lib.objectLoad.invokeExact(object);
            if (rc != 0) {
                throw new ProbeException("the kernel refused the netwatch BPF programs: " + lib.describe(rc)
                        + " (see the libbpf log above; root or CAP_BPF+CAP_PERFMON is needed)");
            }
            countersFd = (int) lib.mapFd.invokeExact(map("counters"));
            generationFd = (int) lib.mapFd.invokeExact(map("generation"));
            aggregationFds[0] = (int) lib.mapFd.invokeExact(map("agg0"));
            aggregationFds[1] = (int) lib.mapFd.invokeExact(map("agg1"));
            possibleCpus = (int) lib.numPossibleCpus.invokeExact();
        } catch (ProbeException e) {
            throw e;
        } catch (Throwable t) {
            throw new ProbeException("cannot load the netwatch BPF object: " + t, t);
        }
        state = State.LOADED;
        return this;
    }

    /**
     * Attaches every program, the connect hooks to the root of the host's cgroup2 hierarchy ({@link
     * Cgroup2#hostMount()}); returns how many.
     */
    public int attach() {
        return attach(Cgroup2.hostMount().orElseThrow(() -> new ProbeException("no cgroup2 file system is mounted"
                + " (netwatch notes each connection's process at connect() on its root): mount one, as root:"
                + " mkdir -p /sys/fs/cgroup/unified && mount -t cgroup2 none /sys/fs/cgroup/unified")));
    }

    /**
     * Attaches every program: the connect hooks to the cgroup2 directory {@code cgroupRoot} (its root sees every
     * socket of the host; a sub-directory only its own), the tracepoints to the kernel's. Returns how many.
     */
    public int attach(Path cgroupRoot) {
        require(State.LOADED);
        int cgroupFd = -1;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment capture = call.allocate(Libbpf.CAPTURE);
            cgroupFd = (int) lib.open.invokeExact(capture, call.allocateFrom(cgroupRoot.toString()), O_RDONLY_DIRECTORY);
            if (cgroupFd < 0) {
                throw new ProbeException("cannot open the cgroup2 directory " + cgroupRoot + ": "
                        + lib.describe(Libbpf.errno(capture)));
            }
            MemorySegment prog = MemorySegment.NULL;
            while (!(prog = (MemorySegment) lib.objectNextProgram.invokeExact(object, prog)).equals(MemorySegment.NULL)) {
                if (!(boolean) lib.programAutoload.invokeExact(prog)) {
                    continue;   // left out by configure (DNS off)
                }
                String section = ((MemorySegment) lib.programSectionName.invokeExact(prog))
                        .reinterpret(Long.MAX_VALUE).getString(0);
                MemorySegment link = section.startsWith("cgroup/")
                        ? (MemorySegment) lib.programAttachCgroup.invokeExact(capture, prog, cgroupFd)
                        : (MemorySegment) lib.programAttach.invokeExact(capture, prog);
                if (link.equals(MemorySegment.NULL)) {
                    throw new ProbeException("cannot attach " + section + (section.startsWith("cgroup/")
                            ? " to " + cgroupRoot : "") + ": " + lib.describe(Libbpf.errno(capture)));
                }
                links.add(link);
                programs.add(prog);
            }
            MemorySegment callback = Linker.nativeLinker().upcallStub(
                    MethodHandles.lookup().findVirtual(NetwatchProbe.class, "onSample",
                            MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, long.class))
                            .bindTo(this),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), arena);
            int fd = (int) lib.mapFd.invokeExact(map("records"));
            ringBuffer = (MemorySegment) lib.ringBufferNew.invokeExact(capture, fd, callback, MemorySegment.NULL,
                    MemorySegment.NULL);
            if (ringBuffer.equals(MemorySegment.NULL)) {
                throw new ProbeException("cannot open the ring buffer: " + lib.describe(Libbpf.errno(capture)));
            }
            if (dnsOn) {
                MemorySegment dnsCallback = Linker.nativeLinker().upcallStub(
                        MethodHandles.lookup().findVirtual(NetwatchProbe.class, "onDns",
                                MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, long.class))
                                .bindTo(this),
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), arena);
                int dnsFd = (int) lib.mapFd.invokeExact(map("dns"));
                dnsRingBuffer = (MemorySegment) lib.ringBufferNew.invokeExact(capture, dnsFd, dnsCallback,
                        MemorySegment.NULL, MemorySegment.NULL);
                if (dnsRingBuffer.equals(MemorySegment.NULL)) {
                    throw new ProbeException("cannot open the DNS ring buffer: " + lib.describe(Libbpf.errno(capture)));
                }
            }
        } catch (ProbeException e) {
            throw e;
        } catch (Throwable t) {
            throw new ProbeException("cannot attach netwatch: " + t, t);
        } finally {
            closeQuietly(cgroupFd);   // a cgroup link holds the cgroup itself
        }
        state = State.ATTACHED;
        return links.size();
    }

    /** Waits up to {@code timeoutMs} for flows and hands each to {@code sink} on this thread; how many. */
    public int poll(int timeoutMs, Consumer<Flow> sink) {
        return poll(timeoutMs, dns -> { }, sink);
    }

    /**
     * Waits up to {@code timeoutMs} (on the ring buffer: it wakes the reader only when it fills up), then hands
     * every DNS answer received so far to {@code dnsSink} and only then the flows to {@code sink}, all on this
     * thread: an answer that came before a connection failed is always known when its flow arrives. The flows are
     * the in-kernel sums since the last poll (drained, see {@link #drain}) and any ring records. Returns how many
     * flows.
     */
    public int poll(int timeoutMs, Consumer<Dns> dnsSink, Consumer<Flow> sink) {
        return poll(timeoutMs, dnsSink, sink, true);
    }

    /**
     * As {@link #poll(int, Consumer, Consumer)}; {@code drainSums} false leaves the in-kernel sums for a later poll
     * (they go on adding up there: draining costs a few system calls and an RCU grace period), so only ring
     * records and DNS answers come.
     */
    public int poll(int timeoutMs, Consumer<Dns> dnsSink, Consumer<Flow> sink, boolean drainSums) {
        require(State.ATTACHED);
        polled.clear();
        try {
            int n = (int) lib.ringBufferPoll.invokeExact(ringBuffer, timeoutMs);
            if (n < 0 && n != -EINTR) {
                throw new ProbeException("ring buffer poll failed: " + lib.describe(n));
            }
            if (drainSums) {
                drain();
            }
            // records wake the reader only when the ring fills up (netwatch.bpf.c): drain what came meanwhile
            int c = (int) lib.ringBufferConsume.invokeExact(ringBuffer);
            if (c < 0 && c != -EINTR) {
                throw new ProbeException("ring buffer consume failed: " + lib.describe(c));
            }
            if (!dnsRingBuffer.equals(MemorySegment.NULL)) {
                currentDns = dnsSink;
                int d = (int) lib.ringBufferConsume.invokeExact(dnsRingBuffer);
                if (d < 0 && d != -EINTR) {
                    throw new ProbeException("DNS ring buffer consume failed: " + lib.describe(d));
                }
            }
            for (Flow flow : polled) {
                sink.accept(flow);
            }
            return polled.size();
        } catch (ProbeException e) {
            throw e;
        } catch (Throwable t) {
            throw new ProbeException("ring buffer poll failed: " + t, t);
        } finally {
            currentDns = null;
            polled.clear();
        }
    }

    /**
     * Takes the in-kernel sums into {@link #polled}: when the map the programs add to holds anything, switches them
     * to the other one, waits until none can still be adding to it (an RCU grace period) and empties it. Nothing is
     * lost: a sum is either drained now or stays for the next switch.
     */
    private void drain() throws Throwable {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment capture = call.allocate(Libbpf.CAPTURE);
            MemorySegment key = call.allocate(KEY);
            MemorySegment counts = call.allocate(COUNTS);
            int active = aggregationFds[generation];
            int rc = (int) lib.mapGetNextKey.invokeExact(capture, active, MemorySegment.NULL, key);
            if (rc != 0) {
                if (rc != -ENOENT) {
                    throw new ProbeException("cannot read the netwatch sums: " + lib.describe(rc));
                }
                return;   // nothing went wrong since the last drain
            }
            MemorySegment zero = call.allocate(JAVA_INT);
            MemorySegment next = call.allocate(JAVA_INT);
            next.set(JAVA_INT, 0, 1 - generation);
            rc = (int) lib.mapUpdateElem.invokeExact(capture, generationFd, zero, next, 0L);
            if (rc != 0) {
                throw new ProbeException("cannot switch the netwatch sums: " + lib.describe(rc));
            }
            generation = 1 - generation;
            if (lib.waitForRunningPrograms() != 0) {
                try {
                    Thread.sleep(50);   // no grace period to wait for (nohz_full): programs run for microseconds
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;             // the sums stay in that map: drained after the next switch
                }
            }
            while ((rc = (int) lib.mapGetNextKey.invokeExact(capture, active, MemorySegment.NULL, key)) == 0) {
                rc = (int) lib.mapLookupAndDeleteElem.invokeExact(capture, active, key, counts);
                if (rc != 0) {
                    throw new ProbeException("cannot take the netwatch sums: " + lib.describe(rc));
                }
                try {
                    polled.add(decode(key, counts));
                } catch (RuntimeException e) {
                    malformed++;
                }
            }
            if (rc != -ENOENT) {
                throw new ProbeException("cannot read the netwatch sums: " + lib.describe(rc));
            }
        }
    }

    /**
     * In-kernel losses: {records the ring buffer had no room for, connections whose later anomalies go unseen (their
     * process evicted from the kernel table while they were open, or their slot lost to another CPU at connect),
     * DNS answers the DNS ring buffer had no room for, program runs the kernel skipped because the same program was
     * already running on that CPU}.
     */
    public long[] lost() {
        require(State.ATTACHED);
        long[] sums = new long[4];
        try (Arena call = Arena.ofConfined()) {
            MemorySegment key = call.allocate(JAVA_INT);
            MemorySegment values = call.allocate(JAVA_LONG, Math.max(possibleCpus, 1));
            MemorySegment capture = call.allocate(Libbpf.CAPTURE);
            for (long misses : recursionMisses()) {
                sums[3] += Math.max(0, misses);
            }
            for (int i = 0; i < 3; i++) {
                key.set(JAVA_INT, 0, i);
                int rc = (int) lib.mapLookupElem.invokeExact(capture, countersFd, key, values);
                if (rc != 0) {
                    throw new ProbeException("cannot read the netwatch counters: " + lib.describe(Libbpf.errno(capture)));
                }
                for (int cpu = 0; cpu < possibleCpus; cpu++) {
                    sums[i] += values.getAtIndex(JAVA_LONG, cpu);
                }
            }
        } catch (ProbeException e) {
            throw e;
        } catch (Throwable t) {
            throw new ProbeException("cannot read the netwatch counters: " + t, t);
        }
        return sums;
    }

    /** Per attached program, {@link Libbpf#recursionMisses} (-1 when the kernel did not answer). */
    long[] recursionMisses() {
        return programs.stream().mapToLong(lib::recursionMisses).toArray();
    }

    /** Records shorter than {@link #FLOW} (never expected; counted and dropped). */
    public long malformed() {
        return malformed;
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
            if (!dnsRingBuffer.equals(MemorySegment.NULL)) {
                lib.ringBufferFree.invokeExact(dnsRingBuffer);
            }
            for (int i = links.size() - 1; i >= 0; i--) {
                int ignored = (int) lib.linkDestroy.invokeExact(links.get(i));
            }
            lib.objectClose.invokeExact(object);
        } catch (Throwable t) {
            System.getLogger(NetwatchProbe.class.getName()).log(System.Logger.Level.WARNING,
                    "closing the netwatch BPF object: " + t);
        } finally {
            links.clear();
            programs.clear();
            arena.close();
        }
    }

    /** Decodes one {@code struct nw_flow}. */
    public static Flow decode(MemorySegment r) {
        return decode(r.asSlice(0, KEY.byteSize()), r.asSlice(FLOW.byteOffset(groupElement("counts")), COUNTS.byteSize()));
    }

    /** Decodes one {@code struct nw_key} and its {@code struct nw_counts}. */
    public static Flow decode(MemorySegment key, MemorySegment counts) {
        int family = Short.toUnsignedInt(key.get(JAVA_SHORT, at(KEY, "family")));
        byte[] daddr = new byte[family == 2 ? 4 : 16];
        MemorySegment.copy(key, JAVA_BYTE, at(KEY, "daddr"), daddr, 0, daddr.length);
        if (daddr.length == 16 && isV4Mapped(daddr)) {   // a dual-stack socket to an IPv4 peer
            family = 2;
            daddr = java.util.Arrays.copyOfRange(daddr, 12, 16);
        }
        byte[] comm = new byte[16];
        MemorySegment.copy(counts, JAVA_BYTE, at(COUNTS, "comm"), comm, 0, comm.length);
        int len = 0;
        while (len < comm.length && comm[len] != 0) {
            len++;
        }
        return new Flow(key.get(JAVA_LONG, at(KEY, "cgroup_id")), key.get(JAVA_INT, at(KEY, "tgid")),
                new String(comm, 0, len, java.nio.charset.StandardCharsets.UTF_8), family, daddr,
                Short.toUnsignedInt(key.get(JAVA_SHORT, at(KEY, "dport"))),
                counts.get(JAVA_LONG, at(COUNTS, "connections")), counts.get(JAVA_LONG, at(COUNTS, "syn_retransmits")),
                counts.get(JAVA_LONG, at(COUNTS, "retransmits")), counts.get(JAVA_LONG, at(COUNTS, "refused")),
                counts.get(JAVA_LONG, at(COUNTS, "timed_out")), counts.get(JAVA_LONG, at(COUNTS, "resets_received")),
                counts.get(JAVA_LONG, at(COUNTS, "resets_sent")));
    }

    private static long at(StructLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }

    /** Decodes one {@code struct nw_dns}; a TCP message loses its 2-byte length prefix. */
    public static Dns decodeDns(MemorySegment r) {
        int len = Math.min(Math.max(r.get(JAVA_INT, dnsOffset("len")), 0), DNS_MAX);
        int total = r.get(JAVA_INT, dnsOffset("total"));
        boolean tcp = r.get(JAVA_BYTE, dnsOffset("tcp")) != 0;
        int skip = tcp ? Math.min(2, len) : 0;
        byte[] message = new byte[len - skip];
        MemorySegment.copy(r, JAVA_BYTE, dnsOffset("data") + skip, message, 0, message.length);
        return new Dns(r.get(JAVA_LONG, dnsOffset("ts_ns")), tcp, message, total > len);
    }

    private static long dnsOffset(String field) {
        return DNS.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == -1 && a[11] == -1;
    }

    private static final MemorySegment ALL_MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private int onSample(MemorySegment ctx, MemorySegment data, long size) {
        if (size < FLOW.byteSize()) {
            malformed++;
            return 0;
        }
        try {
            polled.add(decode(ALL_MEMORY.asSlice(data.address(), FLOW.byteSize())));
        } catch (RuntimeException e) {
            malformed++;
        }
        return 0;
    }

    private int onDns(MemorySegment ctx, MemorySegment data, long size) {
        Consumer<Dns> sink = currentDns;
        if (sink == null) {
            return 0;
        }
        if (size < DNS.byteSize()) {
            malformed++;
            return 0;
        }
        try {
            sink.accept(decodeDns(ALL_MEMORY.asSlice(data.address(), DNS.byteSize())));
        } catch (RuntimeException e) {
            malformed++;
        }
        return 0;
    }

    private MemorySegment map(String suffix) throws Throwable {
        return lib.map(object, suffix, "the netwatch BPF object");
    }

    private void setMaxEntries(String name, int entries) throws Throwable {
        lib.setMaxEntries(object, name, entries, "the netwatch BPF object");
    }

    private void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                int ignored = (int) lib.close.invokeExact(fd);
            } catch (Throwable t) {
                // nothing to do: the descriptor goes with the process
            }
        }
    }

    private void require(State expected) {
        if (state != expected) {
            throw new IllegalStateException("netwatch probe is " + state + ", expected " + expected);
        }
    }
}
