package io.changegraph.web;

import io.changegraph.repository.formats.GraphFormatException;
import io.changegraph.repository.formats.GraphJson;
import io.changegraph.repository.io.BadInputException;
import io.changegraph.repository.io.BoundedFiles;
import io.changegraph.repository.io.InputLimits;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.store.SessionRecord;
import io.changegraph.repository.store.SessionStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions being served, by id, loaded from graph files and kept current by polling them.
 *
 * <p>A source is a graph file or a directory whose {@code *.json} files are graphs (hidden files, such as
 * the temp files of an atomic write, are skipped). A session's id is its graph's {@code session.id}; a
 * second file with an id already taken is served as {@code id~2}, {@code id~3}, ... in path order. A file
 * that changes is reloaded and listeners are told (previous version, new version); a file that no longer
 * parses keeps its last good version; a file that disappears is dropped.
 */
final class SessionIndex implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionIndex.class);
    /** How GraphJson.fromJson names its input in messages; replaced by the file's path. */
    private static final String UNNAMED_SOURCE = "<input>";

    /** Told of every new version of a session; {@code previous} is null for a newly found file. */
    interface Listener {
        void changed(LoadedSession previous, LoadedSession current);
    }

    private final List<Path> sources;
    /** False during the first load, where a named file that is no graph fails the start instead of a warning. */
    private volatile boolean watching;
    private final Map<String, LoadedSession> byId = new ConcurrentHashMap<>();
    private final Map<Path, String> idByFile = new HashMap<>();
    private final Map<Path, Rejected> rejected = new HashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "changegraph-web-poll");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * Makes the summary of a graph file that has none (written before the summary section, or by hand) as soon
     * as it is loaded, on one low-priority thread, so a page opened later finds it ready; a version already
     * replaced by a newer one is skipped.
     */
    private final java.util.concurrent.ExecutorService summariser = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "changegraph-web-summary");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        return thread;
    });

    /**
     * Loads every source once. A missing source, or a file given by name that is not a graph, is a
     * {@link WebStartException}: the user named it, so it must be served.
     */
    SessionIndex(List<Path> sources) {
        this.sources = sources.stream().map(path -> path.toAbsolutePath().normalize()).toList();
        for (Path source : this.sources) {
            if (!Files.exists(source)) {
                throw new WebStartException("no such file or directory: " + source);
            }
        }
        scan();
        for (Path source : this.sources) {
            Rejected rejection = rejected.get(source);
            if (rejection != null) {
                throw new WebStartException("not a changegraph graph: " + rejection.reason());
            }
        }
    }

    /** A file that did not parse, remembered by stamp so it is not read again until it changes. */
    private record Rejected(FileStamp stamp, String reason) {
    }

    /** Polls the sources every {@code interval} until closed. */
    void watch(Duration interval) {
        watching = true;
        poller.scheduleWithFixedDelay(this::scanQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void addListener(Listener listener) {
        listeners.add(listener);
    }

    Optional<LoadedSession> find(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
    }

    /** The session loaded from {@code file} (as given in a source), if it is served. */
    Optional<LoadedSession> byFile(Path file) {
        synchronized (this) {
            return Optional.ofNullable(idByFile.get(file.toAbsolutePath().normalize())).flatMap(this::find);
        }
    }

    Collection<LoadedSession> sessions() {
        return List.copyOf(byId.values());
    }

    private void scanQuietly() {
        try {
            scan();
        } catch (RuntimeException e) {
            LOG.warn("scanning graph sources failed: {}", e.toString());
        }
    }

    /** Brings the index up to date with the files; synchronised so scans never overlap. */
    synchronized void scan() {
        Set<Path> files = currentFiles();
        for (Path gone : new ArrayList<>(idByFile.keySet())) {
            if (!files.contains(gone)) {
                byId.remove(idByFile.remove(gone));
            }
        }
        rejected.keySet().retainAll(files);
        for (Path file : files) {
            FileStamp.of(file).ifPresent(stamp -> refresh(file, stamp));
        }
    }

    private void refresh(Path file, FileStamp stamp) {
        String id = idByFile.get(file);
        LoadedSession previous = id == null ? null : byId.get(id);
        Rejected rejection = rejected.get(file);
        if ((previous != null && previous.stamp().equals(stamp)) || (rejection != null && rejection.stamp().equals(stamp))) {
            return;
        }
        GraphDocument document;
        byte[] json;
        try {
            BoundedFiles.checkRegular(file, "graph file", InputLimits.current().graphBytes(), InputLimits.GRAPH_MB);
            json = Files.readAllBytes(file);
            GraphDelta.Applied delta = previous == null ? null : GraphDelta.fromSidecar(previous, json);
            document = delta != null ? delta.document() : GraphJson.fromJson(BoundedFiles.utf8(json, file.toString()));
        } catch (BadInputException e) {
            rejected.put(file, new Rejected(stamp, e.getMessage()));
            LOG.warn("skipping {}: {}", file, e.getMessage());
            return;
        } catch (GraphFormatException | IOException e) {
            String reason = e instanceof IOException ? "cannot read " + file + ": " + e.getMessage()
                    : e.getMessage().replace(UNNAMED_SOURCE, file.toString());
            rejected.put(file, new Rejected(stamp, reason));
            if (watching || !sources.contains(file)) {
                LOG.warn("skipping {}: {}", file, reason);
            }
            return;
        }
        rejected.remove(file);
        if (id == null) {
            id = freeId(document.session().id());
            idByFile.put(file, id);
        }
        LoadedSession current = new LoadedSession(id, file, document, json,
                previous == null ? 1 : previous.version() + 1, stamp, storeRecord(file, document));
        byId.put(id, current);
        if (document.summary() == null) {
            String key = id;
            summariser.execute(() -> {
                if (byId.get(key) == current) {
                    try {
                        current.summary();
                    } catch (RuntimeException e) {
                        LOG.warn("cannot summarise {}: {}", key, e.toString());
                    }
                }
            });
        }
        for (Listener listener : listeners) {
            try {
                listener.changed(previous, current);
            } catch (RuntimeException e) {
                LOG.warn("listener failed on {}: {}", id, e.toString());
            }
        }
    }

    /**
     * The session store's record of a graph served from a store's {@code graphs/ID.json}
     * ({@code sessions/ID/meta.json} beside it), or null: graph files elsewhere have none, and a record that
     * cannot be read (permissions, torn write) only leaves the extra columns empty.
     */
    private static SessionRecord storeRecord(Path file, GraphDocument document) {
        Path graphs = file.getParent();
        if (graphs == null || !graphs.getFileName().toString().equals("graphs") || graphs.getParent() == null
                || !Files.isDirectory(graphs.getParent().resolve("sessions"))) {
            return null;
        }
        try {
            return new SessionStore(graphs.getParent()).read(document.session().id()).orElse(null);
        } catch (RuntimeException e) {
            LOG.debug("no store record for {}: {}", file, e.getMessage());
            return null;
        }
    }

    private String freeId(String wanted) {
        String id = wanted;
        for (int n = 2; byId.containsKey(id); n++) {
            id = wanted + "~" + n;
        }
        return id;
    }

    private Set<Path> currentFiles() {
        Set<Path> files = new TreeSet<>();
        for (Path source : sources) {
            if (Files.isDirectory(source)) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(source, "*.json")) {
                    for (Path entry : entries) {
                        if (!entry.getFileName().toString().startsWith(".") && Files.isRegularFile(entry)) {
                            files.add(entry);
                        }
                    }
                } catch (IOException e) {
                    LOG.warn("cannot list {}: {}", source, e.getMessage());
                }
            } else if (Files.isRegularFile(source)) {
                files.add(source);
            }
        }
        return files;
    }

    @Override
    public void close() {
        poller.shutdownNow();
        summariser.shutdownNow();
    }
}
