package io.changegraph.controller.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc calls the agent and the session wrapper need and the JDK does not offer: a Unix stream socket
 * server that can ask the kernel who connected (SO_PEERCRED gives the peer's pid, which
 * {@code jdk.net.ExtendedSocketOptions} does not), and execve(2) to replace the wrapper by the user's shell
 * in the same process (so the followed pid is the shell's).
 */
public final class LibC {
    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_PEERCRED = 17;
    static final int SO_RCVTIMEO = 20;
    static final int SO_SNDTIMEO = 21;
    static final int SHUT_RDWR = 2;
    static final int EINTR = 4;
    public static final int EAGAIN = 11;
    static final int EINVAL = 22;
    /** sizeof(struct sockaddr_un): sa_family_t + char sun_path[108] */
    static final int SOCKADDR_UN_SIZE = 110;

    /** struct ucred { pid_t pid; uid_t uid; gid_t gid; } */
    static final StructLayout UCRED = MemoryLayout.structLayout(JAVA_INT.withName("pid"), JAVA_INT.withName("uid"),
            JAVA_INT.withName("gid"));

    /** The peer of a connected Unix socket, as the kernel saw it at connect time. */
    public record PeerCredentials(int pid, int uid, int gid) {
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = handle("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = handle("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 = handle("accept4",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = handle("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SETSOCKOPT = handle("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle READ = handle("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = handle("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle SHUTDOWN = handle("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SETPRIORITY = handle("setpriority",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SCHED_GETAFFINITY = handle("sched_getaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle SCHED_SETAFFINITY = handle("sched_setaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle GETTID = LINKER.downcallHandle(LINKER.defaultLookup().find("gettid").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle EXECVE = handle("execve",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LINKER.defaultLookup().find("strerror").orElseThrow(),
            FunctionDescriptor.of(ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(1024, java.lang.foreign.ValueLayout.JAVA_BYTE)), JAVA_INT));

    private LibC() {
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor,
                Linker.Option.captureCallState("errno"));
    }

    /** A libc call failed: the message names the call and strerror(errno). */
    public static final class NativeException extends java.io.IOException {
        public final int errno;

        NativeException(String call, int errno) {
            super(call + ": " + strerror(errno));
            this.errno = errno;
        }
    }

    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /** The body of one libc call: gets a confined arena and the errno capture segment. */
    @FunctionalInterface
    private interface Call<T> {
        T run(Arena arena, MemorySegment capture) throws Throwable;
    }

    /** Runs {@code body}; a NativeException passes, any other failure of the downcall is a defect here. */
    private static <T> T call(String what, Call<T> body) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            return body.run(arena, arena.allocate(CAPTURE));
        } catch (NativeException | IllegalArgumentException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(what + " failed: " + t, t);
        }
    }

    /** A listening Unix stream socket bound to {@code path} (which must not exist). */
    public static int listenUnix(String path, int backlog) throws NativeException {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length >= SOCKADDR_UN_SIZE - 2) {
            throw new IllegalArgumentException("socket path longer than 107 bytes: " + path);
        }
        return call("socket", (arena, capture) -> {
            int fd = (int) SOCKET.invokeExact(capture, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new NativeException("socket", errno(capture));
            }
            MemorySegment addr = arena.allocate(SOCKADDR_UN_SIZE);
            addr.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(name, 0, addr, java.lang.foreign.ValueLayout.JAVA_BYTE, 2, name.length);
            if ((int) BIND.invokeExact(capture, fd, addr, SOCKADDR_UN_SIZE) != 0
                    || (int) LISTEN.invokeExact(capture, fd, backlog) != 0) {
                int e = errno(capture);
                close(fd);
                throw new NativeException("bind/listen " + path, e);
            }
            return fd;
        });
    }

    /** Blocks until a client connects; returns the connection's fd (close-on-exec). */
    public static int accept(int listenFd) throws NativeException {
        return call("accept", (arena, capture) -> {
            while (true) {
                int fd = (int) ACCEPT4.invokeExact(capture, listenFd, MemorySegment.NULL, MemorySegment.NULL,
                        SOCK_CLOEXEC);
                if (fd >= 0) {
                    return fd;
                }
                if (errno(capture) != EINTR) {
                    throw new NativeException("accept", errno(capture));
                }
            }
        });
    }

    public static PeerCredentials peerCredentials(int fd) throws NativeException {
        return call("getsockopt", (arena, capture) -> {
            MemorySegment cred = arena.allocate(UCRED);
            MemorySegment len = arena.allocateFrom(JAVA_INT, (int) UCRED.byteSize());
            if ((int) GETSOCKOPT.invokeExact(capture, fd, SOL_SOCKET, SO_PEERCRED, cred, len) != 0) {
                throw new NativeException("getsockopt(SO_PEERCRED)", errno(capture));
            }
            return new PeerCredentials(cred.get(JAVA_INT, 0), cred.get(JAVA_INT, 4), cred.get(JAVA_INT, 8));
        });
    }

    /** Receive and send time-outs, so a client that never writes cannot hold a connection thread. */
    public static void setTimeouts(int fd, long millis) throws NativeException {
        call("setsockopt", (arena, capture) -> {
            MemorySegment timeval = arena.allocate(16);
            timeval.set(JAVA_LONG, 0, millis / 1000);
            timeval.set(JAVA_LONG, 8, (millis % 1000) * 1000);
            for (int option : List.of(SO_RCVTIMEO, SO_SNDTIMEO)) {
                if ((int) SETSOCKOPT.invokeExact(capture, fd, SOL_SOCKET, option, timeval, 16) != 0) {
                    throw new NativeException("setsockopt", errno(capture));
                }
            }
            return null;
        });
    }

    /** Reads up to {@code buffer.length} bytes; 0 at end of stream. */
    public static int read(int fd, byte[] buffer) throws NativeException {
        return call("read", (arena, capture) -> {
            MemorySegment buf = arena.allocate(buffer.length);
            while (true) {
                long n = (long) READ.invokeExact(capture, fd, buf, (long) buffer.length);
                if (n >= 0) {
                    MemorySegment.copy(buf, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, buffer, 0, (int) n);
                    return (int) n;
                }
                if (errno(capture) != EINTR) {
                    throw new NativeException("read", errno(capture));
                }
            }
        });
    }

    public static void writeFully(int fd, byte[] bytes) throws NativeException {
        call("write", (arena, capture) -> {
            MemorySegment buf = arena.allocate(Math.max(bytes.length, 1));
            MemorySegment.copy(bytes, 0, buf, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
            long done = 0;
            while (done < bytes.length) {
                long n = (long) WRITE.invokeExact(capture, fd, buf.asSlice(done), bytes.length - done);
                if (n >= 0) {
                    done += n;
                } else if (errno(capture) != EINTR) {
                    throw new NativeException("write", errno(capture));
                }
            }
            return null;
        });
    }

    /** Wakes a thread blocked in accept/read on {@code fd}. */
    public static void shutdown(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) SHUTDOWN.invokeExact(arena.allocate(CAPTURE), fd, SHUT_RDWR);
        } catch (Throwable t) {
            // closing follows anyway
        }
    }

    public static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(arena.allocate(CAPTURE), fd);
        } catch (Throwable t) {
            // nothing to do: the fd is gone either way
        }
    }

    /** Sets thread {@code tid}'s nice value (setpriority(PRIO_PROCESS, tid, nice) is per thread on Linux). */
    static void setThreadNice(int tid, int nice) throws NativeException {
        call("setpriority", (arena, capture) -> {
            if ((int) SETPRIORITY.invokeExact(capture, 0, tid, nice) != 0) {
                throw new NativeException("setpriority", errno(capture));
            }
            return null;
        });
    }

    /** The CPUs thread {@code tid} (0: the calling thread) may run on. */
    static BitSet cpuAffinity(int tid) throws NativeException {
        return call("sched_getaffinity", (arena, capture) -> {
            // the kernel's cpumask may be larger than glibc's 1024-bit cpu_set_t: grow until it fits
            for (long bytes = 128; ; bytes *= 2) {
                MemorySegment mask = arena.allocate(bytes, 8);
                if ((int) SCHED_GETAFFINITY.invokeExact(capture, tid, bytes, mask) == 0) {
                    return BitSet.valueOf(mask.toArray(JAVA_LONG));
                }
                int errno = errno(capture);
                if (errno != EINVAL || bytes >= 1 << 16) {
                    throw new NativeException("sched_getaffinity", errno);
                }
            }
        });
    }

    /** Lets thread {@code tid} (0: the calling thread) run on {@code cpus} only. */
    static void setCpuAffinity(int tid, BitSet cpus) throws NativeException {
        call("sched_setaffinity", (arena, capture) -> {
            long[] words = cpus.toLongArray();
            MemorySegment mask = arena.allocate(JAVA_LONG, Math.max(16, words.length));
            MemorySegment.copy(words, 0, mask, JAVA_LONG, 0, words.length);
            if ((int) SCHED_SETAFFINITY.invokeExact(capture, tid, mask.byteSize(), mask) != 0) {
                throw new NativeException("sched_setaffinity", errno(capture));
            }
            return null;
        });
    }

    /** The calling thread's id (what /proc/self/task lists). */
    static int gettid() {
        try {
            return (int) GETTID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("gettid failed: " + t, t);
        }
    }

    /**
     * Replaces this process by {@code path} with {@code argv} and {@code env} ("NAME=value"); returns only
     * on failure, with the reason.
     */
    public static NativeException execve(String path, List<String> argv, List<String> env) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            int rc = (int) EXECVE.invokeExact(capture, arena.allocateFrom(path), strings(arena, argv),
                    strings(arena, env));
            return new NativeException("execve " + path + " (rc " + rc + ")", errno(capture));
        } catch (Throwable t) {
            return new NativeException("execve " + path + ": " + t, 0);
        }
    }

    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ADDRESS, values.size() + 1);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }
}
