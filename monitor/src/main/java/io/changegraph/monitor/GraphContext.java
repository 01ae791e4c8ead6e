package io.changegraph.monitor;

import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.Edge;
import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileNode;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.Ids;
import io.changegraph.repository.model.ProcessNode;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** {@link SessionContext#of(String, ChangeGraph)}: reads a live graph, after the event was applied to it. */
record GraphContext(SessionFacts facts, ChangeGraph graph) implements SessionContext {
    GraphContext {
        Objects.requireNonNull(facts, "facts");
        Objects.requireNonNull(graph, "graph");
    }

    @Override
    public String sessionId() {
        return facts.id();
    }

    @Override
    public List<ProcessNode> ancestors(ProcessNode process) {
        return graph.ancestors(process.id());
    }

    /**
     * The file node now at the path: the newest generation of the path's id when it still has that path
     * and was not replaced (the common case, a few map lookups); otherwise (renamed away, or another file
     * renamed over it) the target of the subject's latest edge with that verb to a node that had the path.
     */
    @Override
    public String targetId(Event event) {
        if (!(event.object() instanceof FileRef file)) {
            return SessionContext.super.targetId(event);
        }
        FileNode newest = null;
        for (int generation = 0; generation < 1000; generation++) {
            if (!(graph.node(Ids.file(file.path(), generation)).orElse(null) instanceof FileNode node)) {
                break;
            }
            newest = node;
        }
        if (newest != null && newest.path().equals(file.path()) && !newest.replaced()) {
            return newest.id();
        }
        String found = null;
        Instant latest = Instant.MIN;
        for (Edge edge : graph.edgesFrom(event.subject().id())) {
            if (edge.verb() == event.verb() && edge.last() != null && edge.last().isAfter(latest)
                    && graph.node(edge.target()).orElse(null) instanceof FileNode node
                    && node.paths().contains(file.path())) {
                found = edge.target();
                latest = edge.last();
            }
        }
        return found != null ? found : SessionContext.super.targetId(event);
    }
}
