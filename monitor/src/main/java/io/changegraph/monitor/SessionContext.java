package io.changegraph.monitor;

import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.Ids;
import io.changegraph.repository.model.ModuleNode;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.RemoteNode;

import java.util.List;
import java.util.function.Function;

/**
 * What the monitor may read of a live session's graph while it evaluates an event. The monitor keeps
 * its own per-session state for windows and sequences, so this is all it needs from the graph; the
 * agent backs it with its {@code ChangeGraph}: {@link #of(String, ChangeGraph)}.
 * Implementations are called on the thread that calls {@link Monitor#onEvent} and must not block.
 */
public interface SessionContext {
    /** The session's id: per-session state, aggregation and mail subjects are keyed by it. */
    String sessionId();

    /** Who, where and what the session is, for mails and webhook posts; by default only its id. */
    default SessionFacts facts() {
        return SessionFacts.of(sessionId());
    }

    /** The process's ancestors in the session, parent first; empty when unknown. */
    List<ProcessNode> ancestors(ProcessNode process);

    /**
     * The id of the graph node the event's edge points to, for the alert's edge annotation. The default
     * names a file by its path ({@link Ids#file(String, int)} generation 0); a graph that knows better
     * (renamed or reused paths) overrides it.
     */
    default String targetId(Event event) {
        return switch (event.object()) {
            case FileRef file -> Ids.file(file.path(), 0);
            case ProcessNode process -> process.id();
            case RemoteNode remote -> remote.id();
            case ModuleNode module -> module.id();
        };
    }

    /**
     * The context of a live {@link ChangeGraph}: ancestry from its spawn edges, alert targets from the
     * edge the event produced. Apply the event to the graph before calling {@link Monitor#onEvent}.
     */
    static SessionContext of(String sessionId, ChangeGraph graph) {
        return new GraphContext(SessionFacts.of(sessionId), graph);
    }

    /** The same, with the session's facts for mails and webhook posts. */
    static SessionContext of(SessionFacts facts, ChangeGraph graph) {
        return new GraphContext(facts, graph);
    }

    /** A context from a session id and an ancestry lookup (parent first). */
    static SessionContext of(String sessionId, Function<ProcessNode, List<ProcessNode>> ancestors) {
        return new LookupContext(sessionId, ancestors);
    }
}
