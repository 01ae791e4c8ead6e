package io.changegraph.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.changegraph.repository.io.AtomicFile;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Messages waiting to be delivered. With a directory each message is one JSON file, written to a
 * temporary name and renamed (atomic), deleted once delivered and loaded again on start, so pending
 * alerts survive an agent restart. Without one they are kept in memory only. Thread-safe.
 */
final class Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    private final Path directory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final TreeMap<String, Pending> pending = new TreeMap<>();
    private boolean woken;

    /** A message with its delivery schedule (in System.nanoTime terms) and failed attempts so far. */
    static final class Pending {
        final Message message;
        long dueNanos;
        int attempts;

        Pending(Message message, long dueNanos) {
            this.message = message;
            this.dueNanos = dueNanos;
        }
    }

    private Outbox(Path directory) {
        this.directory = directory;
    }

    /** Opens the outbox, creating the directory and loading the messages an earlier run left. */
    static Outbox open(Path directory) throws IOException {
        Outbox outbox = new Outbox(directory);
        if (directory != null) {
            Files.createDirectories(directory);
            outbox.load();
        }
        return outbox;
    }

    void add(Message message) {
        if (directory != null) {
            try {
                AtomicFile.writeString(fileOf(message.id()), Json.MAPPER.writeValueAsString(toJson(message)));
            } catch (IOException e) {
                LOG.warn("alert message {} kept in memory only: cannot write to outbox {}: {}", message.id(),
                        directory, e.getMessage());
            }
        }
        lock.lock();
        try {
            pending.put(message.id(), new Pending(message, System.nanoTime()));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Makes a waiting {@link #awaitDue} return now (null when nothing is due). */
    void wake() {
        lock.lock();
        try {
            woken = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code maxWaitNanos} for the earliest message that is due; null when none is due by
     * then, on {@link #wake()}, or when the thread was interrupted.
     */
    Pending awaitDue(long maxWaitNanos) {
        long deadline = System.nanoTime() + maxWaitNanos;
        lock.lock();
        try {
            while (true) {
                long now = System.nanoTime();
                Pending earliest = null;
                for (Pending p : pending.values()) {
                    if (earliest == null || p.dueNanos < earliest.dueNanos) {
                        earliest = p;
                    }
                }
                if (earliest != null && earliest.dueNanos <= now) {
                    return earliest;
                }
                if (woken) {
                    woken = false;
                    return null;
                }
                long wait = Math.min(deadline, earliest == null ? deadline : earliest.dueNanos) - now;
                if (wait <= 0) {
                    return null;
                }
                changed.await(wait, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** The message was delivered: forget it and delete its file. */
    void delivered(Pending p) {
        lock.lock();
        try {
            pending.remove(p.message.id());
        } finally {
            lock.unlock();
        }
        if (directory != null) {
            try {
                Files.deleteIfExists(fileOf(p.message.id()));
            } catch (IOException e) {
                LOG.warn("delivered alert message {} but cannot delete {}: {}", p.message.id(),
                        fileOf(p.message.id()), e.getMessage());
            }
        }
    }

    /** Delivery failed: try again after {@code delayNanos}. */
    void retryLater(Pending p, long delayNanos) {
        lock.lock();
        try {
            p.attempts++;
            p.dueNanos = System.nanoTime() + delayNanos;
        } finally {
            lock.unlock();
        }
    }

    /** Postpones every due message until at least {@code untilNanos} (rate limit). */
    void holdUntil(Pending p, long untilNanos) {
        lock.lock();
        try {
            p.dueNanos = Math.max(p.dueNanos, untilNanos);
        } finally {
            lock.unlock();
        }
    }

    /** Every waiting message, oldest first (ids sort by creation time). */
    List<Pending> all() {
        lock.lock();
        try {
            return List.copyOf(pending.values());
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    private void load() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.json")) {
            stream.forEach(files::add);
        }
        long now = System.nanoTime();
        for (Path file : files) {
            try {
                Message message = fromJson(Json.MAPPER.readTree(file.toFile()));
                pending.put(message.id(), new Pending(message, now));
            } catch (IOException | RuntimeException e) {
                Path aside = file.resolveSibling(file.getFileName() + ".bad");
                LOG.warn("outbox file {} is unreadable ({}); moved to {}", file, e.getMessage(), aside);
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!pending.isEmpty()) {
            LOG.info("outbox {}: {} alert message(s) from an earlier run to deliver", directory, pending.size());
        }
    }

    private Path fileOf(String id) {
        return directory.resolve(id + ".json");
    }

    static Map<String, Object> toJson(Message m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", m.id());
        out.put("sink", m.sink());
        out.put("severity", m.severity());
        out.put("to", m.to());
        out.put("subject", m.subject());
        out.put("body", m.body());
        out.put("created", m.created().toString());
        return out;
    }

    static Message fromJson(JsonNode node) {
        List<String> to = new ArrayList<>();
        node.path("to").forEach(n -> to.add(n.asText()));
        return new Message(node.get("id").asText(), node.get("sink").asText(),
                node.hasNonNull("severity") ? node.get("severity").asText() : null, to, node.path("subject").asText(),
                node.get("body").asText(), Instant.parse(node.get("created").asText()));
    }
}
