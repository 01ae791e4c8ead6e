package io.changegraph.consumer;

import java.util.Map;

/** Applies one syscall operation to its process: table changes and events. */
@FunctionalInterface
interface SyscallHandler {
    void handle(TrackedProcess process, SyscallRecord call);

    /** A family of operations (files, fds, network, ...) that registers its handlers. */
    interface Group {
        void register(Map<Op, SyscallHandler> handlers);
    }
}
