package io.changegraph.probes;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcalls into libbpf.so.1 (libbpf 1.x: pointer-returning calls return NULL and set errno,
 * int-returning calls return -errno). Only the calls changegraph needs; names match the C API.
 */
final class Libbpf {
    /** The library to load: libbpf.so.1 from the system, or CHANGEGRAPH_LIBBPF (a name or a path). */
    static final String LIBRARY = System.getenv().getOrDefault("CHANGEGRAPH_LIBBPF", "libbpf.so.1");
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_HANDLE =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final Libbpf INSTANCE;
    private static final String LOAD_ERROR;

    static {
        Libbpf lib = null;
        String error = null;
        try {
            lib = new Libbpf(SymbolLookup.libraryLookup(LIBRARY, Arena.global()));
        } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
            error = e.getMessage();
        }
        INSTANCE = lib;
        LOAD_ERROR = error;
    }

    final MethodHandle objectOpenMem;        // struct bpf_object *bpf_object__open_mem(const void *, size_t, opts *)
    final MethodHandle objectLoad;           // int bpf_object__load(struct bpf_object *)
    final MethodHandle objectClose;          // void bpf_object__close(struct bpf_object *)
    final MethodHandle objectBtf;            // struct btf *bpf_object__btf(const struct bpf_object *)
    final MethodHandle objectNextMap;        // struct bpf_map *bpf_object__next_map(obj, prev)
    final MethodHandle objectNextProgram;    // struct bpf_program *bpf_object__next_program(obj, prev)
    final MethodHandle mapName;              // const char *bpf_map__name(map)
    final MethodHandle mapFd;                // int bpf_map__fd(map)
    final MethodHandle mapSetMaxEntries;     // int bpf_map__set_max_entries(map, __u32)
    final MethodHandle mapInitialValue;      // void *bpf_map__initial_value(map, size_t *)
    final MethodHandle programSectionName;   // const char *bpf_program__section_name(prog)
    final MethodHandle programSetAutoload;   // int bpf_program__set_autoload(prog, bool)
    final MethodHandle programAutoload;      // bool bpf_program__autoload(prog)
    final MethodHandle programAttach;        // struct bpf_link *bpf_program__attach(prog)
    final MethodHandle programAttachCgroup;  // struct bpf_link *bpf_program__attach_cgroup(prog, int cgroup_fd)
    final MethodHandle programFd;            // int bpf_program__fd(prog)
    final MethodHandle objGetInfoByFd;       // int bpf_obj_get_info_by_fd(fd, void *info, __u32 *info_len)
    final MethodHandle linkDestroy;          // int bpf_link__destroy(link)
    final MethodHandle mapUpdateElem;        // int bpf_map_update_elem(fd, key, value, flags)
    final MethodHandle mapDeleteElem;        // int bpf_map_delete_elem(fd, key)
    final MethodHandle mapLookupElem;        // int bpf_map_lookup_elem(fd, key, value)
    final MethodHandle mapGetNextKey;        // int bpf_map_get_next_key(fd, key, next_key)
    final MethodHandle mapLookupAndDeleteElem; // int bpf_map_lookup_and_delete_elem(fd, key, value)
    final MethodHandle ringBufferNew;        // struct ring_buffer *ring_buffer__new(fd, cb, ctx, opts)
    final MethodHandle ringBufferPoll;       // int ring_buffer__poll(rb, timeout_ms)
    final MethodHandle ringBufferConsume;    // int ring_buffer__consume(rb)
    final MethodHandle ringBufferFree;       // void ring_buffer__free(rb)
    final MethodHandle numPossibleCpus;      // int libbpf_num_possible_cpus(void)
    final MethodHandle strerror;             // int libbpf_strerror(int err, char *buf, size_t size)
    final MethodHandle setPrint;             // libbpf_print_fn_t libbpf_set_print(libbpf_print_fn_t)
    final MethodHandle btfFindByNameKind;    // __s32 btf__find_by_name_kind(btf, name, kind)
    final MethodHandle btfTypeById;          // const struct btf_type *btf__type_by_id(btf, id)
    final MethodHandle btfNameByOffset;      // const char *btf__name_by_offset(btf, offset)
    final MethodHandle vsnprintf;            // int vsnprintf(char *, size_t, const char *, va_list)
    final MethodHandle mmap;                 // void *mmap(addr, length, prot, flags, fd, offset) (libc)
    final MethodHandle munmap;               // int munmap(addr, length) (libc)
    final MethodHandle pageSize;             // int getpagesize(void) (libc)
    final MethodHandle syscall3;             // long syscall(long number, int, int, int) (libc, variadic)
    final MethodHandle open;                 // int open(const char *path, int flags) (libc)
    final MethodHandle close;                // int close(int fd) (libc)

    private Libbpf(SymbolLookup lib) {
        objectOpenMem = errno(lib, "bpf_object__open_mem", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        objectLoad = plain(lib, "bpf_object__load", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        objectClose = plain(lib, "bpf_object__close", FunctionDescriptor.ofVoid(ADDRESS));
        objectBtf = plain(lib, "bpf_object__btf", FunctionDescriptor.of(ADDRESS, ADDRESS));
        objectNextMap = plain(lib, "bpf_object__next_map", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        objectNextProgram = plain(lib, "bpf_object__next_program", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        mapName = plain(lib, "bpf_map__name", FunctionDescriptor.of(ADDRESS, ADDRESS));
        mapFd = plain(lib, "bpf_map__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        mapSetMaxEntries = plain(lib, "bpf_map__set_max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        mapInitialValue = plain(lib, "bpf_map__initial_value", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        programSectionName = plain(lib, "bpf_program__section_name", FunctionDescriptor.of(ADDRESS, ADDRESS));
        programSetAutoload = plain(lib, "bpf_program__set_autoload",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ValueLayout.JAVA_BOOLEAN));
        programAutoload = plain(lib, "bpf_program__autoload",
                FunctionDescriptor.of(ValueLayout.JAVA_BOOLEAN, ADDRESS));
        programAttach = errno(lib, "bpf_program__attach", FunctionDescriptor.of(ADDRESS, ADDRESS));
        programAttachCgroup = errno(lib, "bpf_program__attach_cgroup", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        linkDestroy = plain(lib, "bpf_link__destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        programFd = plain(lib, "bpf_program__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        objGetInfoByFd = plain(lib, "bpf_obj_get_info_by_fd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        mapUpdateElem = errno(lib, "bpf_map_update_elem",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        mapDeleteElem = errno(lib, "bpf_map_delete_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        mapLookupElem = errno(lib, "bpf_map_lookup_elem",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        mapGetNextKey = errno(lib, "bpf_map_get_next_key",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        mapLookupAndDeleteElem = errno(lib, "bpf_map_lookup_and_delete_elem",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        ringBufferNew = errno(lib, "ring_buffer__new",
                FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        ringBufferPoll = plain(lib, "ring_buffer__poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        ringBufferConsume = plain(lib, "ring_buffer__consume", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        ringBufferFree = plain(lib, "ring_buffer__free", FunctionDescriptor.ofVoid(ADDRESS));
        numPossibleCpus = plain(lib, "libbpf_num_possible_cpus", FunctionDescriptor.of(JAVA_INT));
        strerror = plain(lib, "libbpf_strerror", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
        setPrint = plain(lib, "libbpf_set_print", FunctionDescriptor.of(ADDRESS, ADDRESS));
        btfFindByNameKind = plain(lib, "btf__find_by_name_kind",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        btfTypeById = plain(lib, "btf__type_by_id", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        btfNameByOffset = plain(lib, "btf__name_by_offset", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        vsnprintf = LINKER.downcallHandle(LINKER.defaultLookup().find("vsnprintf").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
        mmap = LINKER.downcallHandle(LINKER.defaultLookup().find("mmap").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), ERRNO);
        munmap = LINKER.downcallHandle(LINKER.defaultLookup().find("munmap").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        pageSize = LINKER.downcallHandle(LINKER.defaultLookup().find("getpagesize").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT));
        syscall3 = LINKER.downcallHandle(LINKER.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT),
                ERRNO, Linker.Option.firstVariadicArg(1));
        open = LINKER.downcallHandle(LINKER.defaultLookup().find("open").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
        close = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private static final int MEMBARRIER_CMD_GLOBAL = 1;
    /** {@code struct bpf_prog_info} (UAPI, only ever extended): its size and where recursion_misses sits. */
    static final int PROG_INFO_SIZE = 232;
    static final int PROG_INFO_RECURSION_MISSES_AT = 208;

    /**
     * How many times the kernel skipped program {@code prog} because it was already running on that CPU (a
     * tracepoint hit again from an interrupt while it ran): {@code bpf_prog_info.recursion_misses}, 0 on kernels
     * before 5.12; -1 when the kernel did not answer.
     */
    long recursionMisses(MemorySegment prog) {
        try (Arena call = Arena.ofConfined()) {
            int fd = (int) programFd.invokeExact(prog);
            MemorySegment info = call.allocate(PROG_INFO_SIZE, 8);
            MemorySegment len = call.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, PROG_INFO_SIZE);
            int rc = (int) objGetInfoByFd.invokeExact(fd, info, len);
            if (rc != 0) {
                return -1;
            }
            return len.get(JAVA_INT, 0) < PROG_INFO_RECURSION_MISSES_AT + 8 ? 0
                    : info.get(JAVA_LONG, PROG_INFO_RECURSION_MISSES_AT);
        } catch (Throwable t) {
            return -1;
        }
    }

    /**
     * Waits for an RCU grace period ({@code membarrier(MEMBARRIER_CMD_GLOBAL)}, which calls synchronize_rcu): every
     * BPF tracing program running when this is called has returned when it returns (they run in RCU read-side
     * sections). Returns 0, or the errno (EINVAL on nohz_full kernels, ENOSYS without membarrier).
     */
    int waitForRunningPrograms() {
        long number = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> 324;
            case "aarch64" -> 283;
            default -> -1;
        };
        if (number < 0) {
            return 38;   // ENOSYS: an architecture this build does not know the number of
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment capture = call.allocate(CAPTURE);
            long rc = (long) syscall3.invokeExact(capture, number, MEMBARRIER_CMD_GLOBAL, 0, 0);
            return rc == 0 ? 0 : errno(capture);
        } catch (Throwable t) {
            return 38;
        }
    }

    /** The loaded library, or throws ProbeException saying that libbpf is missing and how to get it. */
    static Libbpf get() {
        if (INSTANCE == null) {
            throw new ProbeException(LIBRARY + " cannot be loaded (" + LOAD_ERROR
                    + "): install libbpf 1.x (Debian: apt-get install libbpf1, or run scripts/install-deps.sh)");
        }
        return INSTANCE;
    }

    static boolean available() {
        return INSTANCE != null;
    }

    static int errno(MemorySegment capture) {
        return (int) ERRNO_HANDLE.get(capture, 0L);
    }

    /** libbpf's text for an error number (positive or negative), e.g. "Operation not permitted". */
    String describe(int err) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            int rc = (int) strerror.invokeExact(Math.abs(err), buf, 256L);
            String text = buf.getString(0);
            return rc == 0 || !text.isEmpty() ? text + " (errno " + Math.abs(err) + ")" : "errno " + Math.abs(err);
        } catch (Throwable t) {
            return "errno " + Math.abs(err);
        }
    }

    private static MethodHandle plain(SymbolLookup lib, String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(find(lib, name), fd);
    }

    private static MethodHandle errno(SymbolLookup lib, String name, FunctionDescriptor fd) {
        // the capture segment is the first argument of the handle
        return LINKER.downcallHandle(find(lib, name), fd, ERRNO);
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new UnsatisfiedLinkError(
                LIBRARY + " has no symbol " + name + ": libbpf 1.0 or newer is required"));
    }

    /**
     * Opens a BPF object embedded next to {@code anchor} in the jar, from memory (nothing is written to disk);
     * {@code what} names it in errors ("the BPF object", "the netwatch BPF object").
     */
    MemorySegment openEmbedded(Class<?> anchor, String resource, String what) {
        byte[] bytes;
        try (java.io.InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ProbeException("the BPF object " + resource
                        + " is missing from the jar: rebuild with scripts/build.sh (clang compiles it)");
            }
            bytes = in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new ProbeException("cannot read the embedded BPF object: " + e.getMessage(), e);
        }
        // libbpf keeps pointers into the buffer until close: give it memory that outlives the call
        MemorySegment buf = Arena.global().allocate(bytes.length, 8);
        MemorySegment.copy(bytes, 0, buf, ValueLayout.JAVA_BYTE, 0, bytes.length);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment capture = call.allocate(CAPTURE);
            MemorySegment obj = (MemorySegment) objectOpenMem.invokeExact(capture, buf, (long) bytes.length,
                    MemorySegment.NULL);
            if (obj.equals(MemorySegment.NULL)) {
                throw new ProbeException("cannot open " + what + ": " + describe(errno(capture)));
            }
            return obj;
        } catch (ProbeException e) {
            throw e;
        } catch (Throwable t) {
            throw new ProbeException("cannot open " + what + ": " + t, t);
        }
    }

    /** The map of {@code object} whose name ends with {@code suffix} (libbpf prefixes .rodata and friends). */
    MemorySegment map(MemorySegment object, String suffix, String what) throws Throwable {
        MemorySegment map = MemorySegment.NULL;
        while (true) {
            map = (MemorySegment) objectNextMap.invokeExact(object, map);
            if (map.equals(MemorySegment.NULL)) {
                throw new ProbeException(what + " has no map '" + suffix + "'");
            }
            MemorySegment name = (MemorySegment) mapName.invokeExact(map);
            if (name.reinterpret(Long.MAX_VALUE).getString(0).endsWith(suffix)) {
                return map;
            }
        }
    }

    /** Sizes a map of {@code object} before load. */
    void setMaxEntries(MemorySegment object, String name, int entries, String what) throws Throwable {
        int rc = (int) mapSetMaxEntries.invokeExact(map(object, name, what), entries);
        if (rc != 0) {
            throw new ProbeException("cannot size map " + name + " to " + entries + ": " + describe(rc));
        }
    }
}
