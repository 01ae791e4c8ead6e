package io.changegraph.web;

import io.changegraph.repository.formats.GraphFormatException;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.io.BadInputException;
import io.changegraph.repository.io.BoundedFiles;
import io.changegraph.repository.model.GraphDocument;
import io.javalin.http.HttpResponseException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The viewer's sessions read on demand from a {@link SessionSource}, the last {@value #CACHED} opened kept parsed
 * (a graph page asks for the same session three or four times; a stored graph does not change once pushed).
 */
final class SourceCatalog implements SessionCatalog {
    static final int CACHED = 8;

    private final SessionSource source;
    private final Map<String, LoadedSession> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, LoadedSession> eldest) {
            return size() > CACHED;
        }
    };

    SourceCatalog(SessionSource source) {
        this.source = source;
    }

    @Override
    public Collection<LoadedSession> sessions() {
        return List.of();
    }

    @Override
    public Optional<LoadedSession> find(String id) {
        synchronized (cache) {
            LoadedSession cached = cache.get(id);
            if (cached != null) {
                return Optional.of(cached);
            }
        }
        Optional<SessionSource.Stored> stored;
        try {
            stored = source.load(id);
        } catch (Exception e) {
            throw new HttpResponseException(503, "cannot read the session store: " + e.getMessage());
        }
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        GraphDocument document;
        try {
            document = GraphJson.fromJson(BoundedFiles.utf8(stored.get().graph(), "stored graph of " + id));
        } catch (GraphFormatException | BadInputException e) {
            throw new HttpResponseException(500, "the stored graph of " + id + " is not valid: " + e.getMessage());
        }
        LoadedSession loaded = new LoadedSession(id, null, document, stored.get().graph(), 1, null, stored.get().record());
        synchronized (cache) {
            cache.put(id, loaded);
        }
        return Optional.of(loaded);
    }

    @Override
    public void addListener(SessionIndex.Listener listener) {
        // stored graphs do not change once pushed: nothing to announce
    }

    @Override
    public void close() {
        synchronized (cache) {
            cache.clear();
        }
    }
}
