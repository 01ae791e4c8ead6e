package io.changegraph.repository.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.model.ChangeGraph;
import io.changegraph.repository.model.GraphDocument;
import io.changegraph.repository.model.Stats;

import io.changegraph.repository.io.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The embedded session store under one directory (default {@code /var/lib/changegraph}):
 * <pre>
 *   sessions/ID/meta.json      the {@link SessionRecord}, rewritten atomically
 *   sessions/ID/journal.jsonl  the append-only {@link Journal}: the truth the graph is rebuilt from
 *   graphs/ID.json             the latest graph ({@code changegraph/v1}), for the web viewer
 * </pre>
 * Every directory is created mode 0700: sessions of all users are here, and only the agent (root) reads
 * them; users go through the agent, which checks who asks.
 */
public final class SessionStore {
    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private final Path root;

    public SessionStore(Path root) {
        this.root = root.toAbsolutePath();
    }

    public Path root() {
        return root;
    }

    /** Creates the store's directories (0700) when missing. */
    public SessionStore create() throws IOException {
        for (Path dir : List.of(root, root.resolve("sessions"), root.resolve("graphs"))) {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        }
        return this;
    }

    public Path directory(String id) {
        requireValid(id);
        return root.resolve("sessions").resolve(id);
    }

    public Path journal(String id) {
        return directory(id).resolve("journal.jsonl");
    }

    public Path graph(String id) {
        requireValid(id);
        return root.resolve("graphs").resolve(id + ".json");
    }

    /** A new, unused session id: {@code <UTC time>-<host>-<pid>}, with a suffix if that is taken. */
    public synchronized String newId(String host, int pid, Instant at) throws IOException {
        String safeHost = host.replaceAll("[^A-Za-z0-9._-]", "_");
        String base = ID_TIME.format(at) + "-" + (safeHost.isEmpty() ? "host" : safeHost) + "-" + pid;
        String id = base;
        for (int n = 2; Files.exists(root.resolve("sessions").resolve(id)); n++) {
            id = base + "-" + n;
        }
        Files.createDirectories(directory(id));
        return id;
    }

    public void write(SessionRecord record) {
        Path meta = directory(record.id()).resolve("meta.json");
        try {
            AtomicFile.writeString(meta, toJson(record));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + meta + ": " + e.getMessage(), e);
        }
    }

    public Optional<SessionRecord> read(String id) {
        if (!SessionRecord.validId(id)) {
            return Optional.empty();
        }
        Path meta = directory(id).resolve("meta.json");
        try {
            return Optional.of(fromJson(Files.readString(meta, StandardCharsets.UTF_8), meta));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + meta + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every session whose record can be read, oldest first; {@code problems} gets one line per session
     * directory that cannot be (the others are still listed).
     */
    public List<SessionRecord> list(Consumer<String> problems) {
        List<SessionRecord> all = new ArrayList<>();
        Path sessions = root.resolve("sessions");
        if (!Files.isDirectory(sessions)) {
            return all;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(sessions, Files::isDirectory)) {
            for (Path dir : dirs) {
                String id = dir.getFileName().toString();
                try {
                    read(id).ifPresent(all::add);
                } catch (RuntimeException e) {
                    problems.accept("session " + id + " skipped: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            problems.accept("cannot list " + sessions + ": " + e.getMessage());
        }
        all.sort(Comparator.comparing(SessionRecord::started).thenComparing(SessionRecord::id));
        return all;
    }

    /**
     * Rebuilds a session's graph by replaying its journal into a fresh graph: deterministic, the same
     * journal always gives the same graph. {@code warnings} gets the journal's problem (torn tail), if any.
     */
    public GraphDocument rebuild(SessionRecord record, Consumer<String> warnings) throws IOException {
        ChangeGraph graph = new ChangeGraph(record.session());
        Journal.ReplayResult result = Journal.replay(journal(record.id()), graph::apply);
        String warning = result.warning(journal(record.id()));
        if (warning != null) {
            warnings.accept(warning);
        }
        Stats stats = record.stats();
        graph.setStats(new Stats(result.events(), stats.lostKernel(), stats.droppedUser()));
        if (record.ended() != null) {
            graph.endSession(record.ended());
        }
        return graph.snapshot();
    }

    /** Deletes sessions that ended (or, when not live, started) before {@code cutoff}; returns their ids. */
    public List<String> prune(Instant cutoff, Consumer<String> problems) {
        List<String> pruned = new ArrayList<>();
        for (SessionRecord r : list(problems)) {
            Instant last = r.ended() != null ? r.ended() : r.started();
            if (r.state() != SessionRecord.State.LIVE && last.isBefore(cutoff)) {
                try {
                    Files.deleteIfExists(graph(r.id()));
                    deleteTree(directory(r.id()));
                    pruned.add(r.id());
                } catch (IOException e) {
                    problems.accept("cannot prune session " + r.id() + ": " + e.getMessage());
                }
            }
        }
        return pruned;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The record as sorted JSON (also what the agent's {@code sessions} answer carries per session). */
    public static Map<String, Object> toMap(SessionRecord r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", r.id());
        json.put("host", r.host());
        json.put("user", r.user());
        json.put("uid", r.uid());
        json.put("root_pid", r.rootPid());
        json.put("root_start_ns", r.rootStartNs());
        json.put("client", r.client());
        json.put("tty", r.tty());
        json.put("command", r.command());
        json.put("started", r.started().toString());
        json.put("ended", r.ended() == null ? null : r.ended().toString());
        json.put("state", r.state().wireName());
        json.put("events", r.stats().events());
        json.put("lost_kernel", r.stats().lostKernel());
        json.put("dropped_user", r.stats().droppedUser());
        json.put("resumed", r.resumed());
        return json;
    }

    public static SessionRecord fromMap(JsonNode json) {
        try {
            List<String> command = new ArrayList<>();
            json.path("command").forEach(c -> command.add(c.asText()));
            String ended = json.hasNonNull("ended") ? json.get("ended").asText() : null;
            return new SessionRecord(json.path("id").asText(), json.path("host").asText(), json.path("user").asText(),
                    json.path("uid").asInt(-1), json.path("root_pid").asInt(), json.path("root_start_ns").asLong(),
                    json.path("client").asText(), json.path("tty").asText(), command,
                    Instant.parse(json.path("started").asText()), ended == null ? null : Instant.parse(ended),
                    SessionRecord.State.fromWire(json.path("state").asText()),
                    new Stats(json.path("events").asLong(), json.path("lost_kernel").asLong(),
                            json.path("dropped_user").asLong()), json.path("resumed").asInt());
        } catch (RuntimeException e) {
            throw e instanceof JournalFormatException j ? j : new JournalFormatException(e.getMessage());
        }
    }

    private static String toJson(SessionRecord r) {
        try {
            return EventJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toMap(r)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a session record of plain values always serialises", e);
        }
    }

    private static SessionRecord fromJson(String text, Path where) {
        try {
            return fromMap(EventJson.MAPPER.readTree(text));
        } catch (JsonProcessingException e) {
            throw new JournalFormatException(where + " is not valid JSON: " + e.getOriginalMessage());
        } catch (JournalFormatException e) {
            throw new JournalFormatException(where + ": " + e.getMessage());
        }
    }

    private static void requireValid(String id) {
        if (!SessionRecord.validId(id)) {
            throw new IllegalArgumentException("bad session id '" + id + "'");
        }
    }
}
