package io.changegraph.monitor;

import io.changegraph.repository.FileRef;
import io.changegraph.repository.Ids;
import io.changegraph.repository.ModuleNode;
import io.changegraph.repository.ObjectRef;
import io.changegraph.repository.ProcessNode;
import io.changegraph.repository.RemoteNode;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the monitor may read of a live session's graph while it evaluates an event. The monitor keeps
 * its own per-session state for windows and sequences, so this is all it needs from the graph; the
 * agent backs it with {@code ChangeGraph}:
 * <pre>{@code SessionContext.of(session.id(), p -> graph.ancestors(p.id()))}</pre>
 * Implementations are called on the thread that calls {@link Monitor#onEvent} and must not block.
 */
public interface SessionContext {
    /** The session's id: per-session state, aggregation and mail subjects are keyed by it. */
    String sessionId();

    /** The process's ancestors in the session, parent first; empty when unknown. */
    List<ProcessNode> ancestors(ProcessNode process);

    /**
     * The id of the graph node an event on {@code object} points to, for the alert's edge annotation.
     * The default names a file by its path ({@link Ids#file(String, int)} generation 0); a graph that
     * knows better (renamed or reused paths) overrides it.
     */
    default String nodeId(ObjectRef object) {
        return switch (object) {
            case FileRef file -> Ids.file(file.path(), 0);
            case ProcessNode process -> process.id();
            case RemoteNode remote -> remote.id();
            case ModuleNode module -> module.id();
        };
    }

    /** A context from a session id and an ancestry lookup (parent first). */
    static SessionContext of(String sessionId, Function<ProcessNode, List<ProcessNode>> ancestors) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(ancestors, "ancestors");
        return new SessionContext() {
            @Override
            public String sessionId() {
                return sessionId;
            }

            @Override
            public List<ProcessNode> ancestors(ProcessNode process) {
                List<ProcessNode> found = ancestors.apply(process);
                return found == null ? List.of() : found;
            }
        };
    }
}
