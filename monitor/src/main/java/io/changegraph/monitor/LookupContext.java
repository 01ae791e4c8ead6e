package io.changegraph.monitor;

import io.changegraph.repository.model.ProcessNode;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** {@link SessionContext#of(String, Function)}: a session id plus an ancestry lookup. */
record LookupContext(String sessionId, Function<ProcessNode, List<ProcessNode>> lookup) implements SessionContext {
    LookupContext {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(lookup, "lookup");
    }

    @Override
    public List<ProcessNode> ancestors(ProcessNode process) {
        List<ProcessNode> found = lookup.apply(process);
        return found == null ? List.of() : found;
    }
}
