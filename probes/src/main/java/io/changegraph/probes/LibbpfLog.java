package io.changegraph.probes;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** Routes libbpf's own log (printf-style with a va_list) into the application log. */
final class LibbpfLog {
    private static final Logger LOG = LoggerFactory.getLogger("libbpf");
    private static final int BUFFER = 2048;
    private static volatile boolean installed;

    private LibbpfLog() {
    }

    static synchronized void install(Libbpf lib) {
        if (installed) {
            return;
        }
        try {
            var target = MethodHandles.lookup().findStatic(LibbpfLog.class, "print",
                    MethodType.methodType(int.class, int.class, MemorySegment.class, MemorySegment.class));
            MemorySegment stub = Linker.nativeLinker().upcallStub(target,
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Arena.global());
            MemorySegment previous = (MemorySegment) lib.setPrint.invokeExact(stub);
            installed = previous != null;
        } catch (Throwable t) {
            LOG.warn("libbpf log cannot be captured: {}", t.toString());
        }
    }

    /** The upcall: formats with vsnprintf (the va_list is only valid now) and logs. Never throws. */
    private static int print(int level, MemorySegment format, MemorySegment vaList) {
        try {
            // libbpf levels: 0 warn, 1 info, 2 debug
            if (level >= 2 && !LOG.isDebugEnabled() || level == 1 && !LOG.isInfoEnabled()) {
                return 0;
            }
            String text;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(BUFFER);
                int n = (int) Libbpf.get().vsnprintf.invokeExact(buf, (long) BUFFER, format, vaList);
                text = n < 0 ? "(unformattable libbpf message)" : buf.getString(0).stripTrailing();
            }
            switch (level) {
                case 0 -> LOG.warn(text);
                case 1 -> LOG.info(text);
                default -> LOG.debug(text);
            }
        } catch (Throwable t) {
            // nothing may escape an upcall
        }
        return 0;
    }
}
