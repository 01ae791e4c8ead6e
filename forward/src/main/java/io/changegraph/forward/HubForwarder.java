package io.changegraph.forward;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.changegraph.repository.io.JsonMappers;
import io.changegraph.repository.store.SessionRecord;
import io.changegraph.repository.store.SessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Store-and-forward of a host's sessions to the hub (docs/fleet.md, "Agents"). The host's store stays the
 * truth: the forwarder only reads it (journals, records, graph files) and keeps, per session, how far the hub
 * has got ({@code sessions/ID/hub.json}). For every session, oldest first, live or ended, also those recorded
 * while the hub was away: the journal's events in batches with their sequence numbers, the session record
 * with the latest summary and alerts, and once the session is over its final graph. The hub keeps each event
 * once (its key is host, session, seq), so a batch sent twice after a lost answer changes nothing, and a gap
 * (409) makes the forwarder resend from the hub's {@code next_seq}.
 *
 * <p>Errors (503, a refused connection, a TLS failure, a timeout) wait with exponential backoff and full
 * jitter ({@link Backoff}) and are logged once when they start, once a minute while they last, and once when
 * they end. Events not yet at the hub are bounded by {@code backlog_mb}: past it, the oldest sessions' events
 * are given up (the log says so, and the session's {@code unforwarded_events} tells the hub); their records,
 * summaries and graphs are still sent.
 *
 * <p>One platform thread of its own at the lowest Java priority, plus whatever {@code threadSetup} does on it
 * (the agent lowers its nice value): the recording never waits for the forwarder.
 */
public final class HubForwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HubForwarder.class);
    static final int MAX_EVENTS = 5000;
    static final long MAX_EVENT_BYTES = 6L << 20;
    private static final Duration IDLE = Duration.ofSeconds(1);
    private static final Duration SUMMARY_EVERY = Duration.ofSeconds(5);
    private static final Duration OUTAGE_LOG_EVERY = Duration.ofMinutes(1);

    private final HubSettings settings;
    private final SessionStore store;
    private final PemTls tls;
    /** made on the forwarder's thread, after its setup: the HTTP client's threads inherit its nice value */
    private volatile HubClient client;
    private final String hubKey;
    private final Backoff backoff = Backoff.standard();
    /** per session, on the forwarder's thread only */
    private final Map<String, Tracked> tracked = new HashMap<>();
    /** sessions whose hub copy is complete: not read again until the agent restarts */
    private final Set<String> done = new HashSet<>();
    private final Thread thread;
    private volatile boolean running = true;
    private final Object wake = new Object();
    private long outageSince;
    private long outageLogged;
    private String outageProblem;

    private static final class Tracked {
        Progress progress;
        boolean positionKnown;
        boolean announced;
        boolean refused;
        int maxEvents = MAX_EVENTS;
        long graphStamp = -1;
        long summaryAt;
    }

    /** A hub that cannot take anything now: wait (backoff) and try again. */
    private static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private HubForwarder(HubSettings settings, SessionStore store, PemTls tls, Runnable threadSetup) {
        this.settings = settings;
        this.store = store;
        this.tls = tls;
        this.hubKey = settings.url().toString();
        this.thread = Thread.ofPlatform().name("changegraph-forward").daemon(true).priority(Thread.MIN_PRIORITY)
                .unstarted(() -> {
                    try {
                        threadSetup.run();
                    } catch (RuntimeException e) {
                        LOG.debug("forwarder thread setup: {}", e.toString());
                    }
                    client = new HubClient(settings.url(), tls);
                    run();
                });
    }

    /**
     * Reads the PEM files and starts forwarding {@code store}'s sessions to the hub on a thread of its own.
     *
     * @param hostName    this host's name: sessions are recorded under it, and the hub takes only sessions of
     *                    the certificate's CN, so a difference is logged
     * @param threadSetup run first on the forwarder's thread (e.g. to lower its nice value)
     * @throws IllegalArgumentException one line when the certificate, key or CA cannot be used
     */
    public static HubForwarder start(HubSettings settings, SessionStore store, String hostName, Runnable threadSetup) {
        PemTls tls = PemTls.load(settings);
        HubForwarder forwarder = new HubForwarder(settings, store, tls, threadSetup);
        if (!tls.identity().equals(hostName)) {
            LOG.warn("hub: this host's certificate {} is for '{}' but its sessions are recorded as host '{}': the"
                    + " hub refuses them (403); make the certificate for '{}'", settings.cert(), tls.identity(),
                    hostName, hostName);
        }
        LOG.info("forwarding sessions to the hub {} as '{}' (certificate {}, expires {}), backlog up to {} MiB",
                settings.url(), tls.identity(), settings.cert(), tls.certificate().getNotAfter().toInstant(),
                settings.backlogBytes() >> 20);
        forwarder.thread.start();
        return forwarder;
    }

    /** The host name in this host's certificate. */
    public String identity() {
        return tls.identity();
    }

    private void run() {
        while (running) {
            boolean busy;
            try {
                busy = pass();
                if (outageSince != 0) {
                    LOG.info("hub {} reachable again after {} s: forwarding resumes", settings.url(),
                            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - outageSince));
                    outageSince = 0;
                }
                backoff.reset();
            } catch (Unavailable e) {
                outage(e.getMessage());
                pause(backoff.next());
                continue;
            } catch (IOException | RuntimeException e) {
                outage("forwarding failed: " + e);
                pause(backoff.next());
                continue;
            }
            if (!busy) {
                pause(IDLE);
            }
        }
    }

    private void outage(String problem) {
        long now = System.nanoTime();
        if (outageSince == 0) {
            outageSince = now;
            outageLogged = now;
            outageProblem = problem;
            LOG.warn("hub {} unavailable: {}; sessions wait in the local store, retrying with backoff", settings.url(),
                    problem);
        } else if (now - outageLogged > OUTAGE_LOG_EVERY.toNanos() || !problem.equals(outageProblem)) {
            outageLogged = now;
            outageProblem = problem;
            LOG.warn("hub {} still unavailable after {} s ({} attempts): {}", settings.url(),
                    TimeUnit.NANOSECONDS.toSeconds(now - outageSince), backoff.failures(), problem);
        }
    }

    /** Waits {@code d}, or less when {@link #close} asks the thread to stop. */
    private void pause(Duration d) {
        synchronized (wake) {
            if (!running) {
                return;
            }
            try {
                wake.wait(Math.max(1, d.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    /** One round over the store; true when something was sent (there may be more at once). */
    private boolean pass() throws Unavailable, IOException {
        List<SessionRecord> sessions = pending();
        enforceBacklog(sessions);
        boolean sent = false;
        for (SessionRecord r : sessions) {
            if (!running) {
                break;
            }
            Tracked t = tracked.get(r.id());
            if (t.refused) {
                continue;
            }
            sent |= forward(r, t);
        }
        return sent;
    }

    /** The store's sessions not known to be complete at the hub, oldest first, each tracked. */
    private List<SessionRecord> pending() {
        List<SessionRecord> list = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Path dir = store.root().resolve("sessions");
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path d : dirs) {
                String id = d.getFileName().toString();
                seen.add(id);
                if (done.contains(id) || !SessionRecord.validId(id)) {
                    continue;
                }
                try {
                    store.read(id).ifPresent(list::add);
                } catch (RuntimeException e) {
                    LOG.debug("session {} not forwarded yet: {}", id, e.getMessage());
                }
            }
        } catch (NoSuchFileException e) {
            return list;
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", dir, e.getMessage());
        }
        tracked.keySet().retainAll(seen);   // pruned sessions
        done.retainAll(seen);
        list.sort(Comparator.comparing(SessionRecord::started).thenComparing(SessionRecord::id));
        List<SessionRecord> open = new ArrayList<>();
        for (SessionRecord r : list) {
            Tracked t = tracked.computeIfAbsent(r.id(), id -> {
                Tracked fresh = new Tracked();
                fresh.progress = Progress.read(store.directory(id), hubKey);
                return fresh;
            });
            if (r.state() != SessionRecord.State.LIVE && t.progress.graphSent()) {
                done.add(r.id());
                tracked.remove(r.id());
            } else {
                open.add(r);
            }
        }
        return open;
    }

    /**
     * Keeps the events not yet at the hub within {@code backlog_mb}: past it, the oldest sessions' remaining
     * events are given up, one session at a time, each said in the log.
     */
    void enforceBacklog(List<SessionRecord> sessions) throws IOException {
        Map<String, Long> unsent = new HashMap<>();
        long total = 0;
        for (SessionRecord r : sessions) {
            Tracked t = tracked.get(r.id());
            if (t.progress.givenUp()) {
                continue;
            }
            long size = size(store.journal(r.id()));
            long n = Math.max(0, size - t.progress.offset());
            unsent.put(r.id(), n);
            total += n;
        }
        for (SessionRecord r : sessions) {
            if (total <= settings.backlogBytes()) {
                return;
            }
            Long n = unsent.get(r.id());
            if (n == null || n == 0) {
                continue;
            }
            Tracked t = tracked.get(r.id());
            long events = JournalCursor.count(store.journal(r.id()), t.progress.offset());
            t.progress = t.progress.givenUp(events);
            save(r.id(), t);
            total -= n;
            LOG.warn("hub backlog over backlog_mb ({} MiB): session {} gives up its {} events from seq {} ({} KiB):"
                            + " they stay in the local store; its record, summary and graph still go to the hub",
                    settings.backlogBytes() >> 20, r.id(), events, t.progress.nextSeq(), n >> 10);
        }
    }

    /** Sends what the hub lacks of one session; true when anything was sent. */
    private boolean forward(SessionRecord r, Tracked t) throws Unavailable, IOException {
        Path journal = store.journal(r.id());
        if (!t.positionKnown) {
            HubClient.Answer a = client.position(r.id());
            if (a.status() == 403 || a.status() == 404) {
                refuse(r, t, a);
                return false;
            }
            if (!a.ok()) {
                throw unavailable(a);
            }
            if (a.nextSeq() != t.progress.nextSeq()) {
                LOG.info("session {}: the hub holds {} events, this host's progress said {}: continuing from {}",
                        r.id(), a.nextSeq(), t.progress.nextSeq(), a.nextSeq());
                reposition(r.id(), t, a.nextSeq());
            }
            t.positionKnown = true;
        }
        boolean ended = r.state() != SessionRecord.State.LIVE;
        boolean sent = false;
        if (!t.progress.givenUp()) {
            // at most a few batches per session and round, so one busy session does not hold up the others
            for (int i = 0; i < 8 && running && !t.refused; i++) {
                JournalCursor.Batch batch = JournalCursor.read(journal, t.progress.offset(), t.maxEvents,
                        MAX_EVENT_BYTES);
                if (batch.isEmpty()) {
                    break;
                }
                push(r, t, batch, ended ? null : summaryIfDue(r, t, false), null);
                sent = true;
            }
        }
        if (!running || t.refused) {
            return sent;
        }
        boolean complete = t.progress.givenUp() || JournalCursor.read(journal, t.progress.offset(), 1, 1).isEmpty();
        if (ended && complete && !t.progress.graphSent()) {
            String graph = graphText(r.id());
            if (!push(r, t, null, summaryIfDue(r, t, true), graph)) {
                return true;   // refused, or a gap the next round fills first
            }
            t.progress = t.progress.withGraphSent();
            save(r.id(), t);
            LOG.info("session {} is at the hub: {} events{}", r.id(), t.progress.nextSeq(),
                    t.progress.givenUp() ? " (" + t.progress.unforwarded() + " given up to the backlog bound)" : "");
            return true;
        }
        if (!ended) {
            JsonNode summary = summaryIfDue(r, t, false);
            if (summary != null || !t.announced) {
                push(r, t, null, summary, null);
                sent = true;
            }
        }
        return sent;
    }

    /** The graph file's summary and alerts when they changed since last sent (and, while live, not too often). */
    private JsonNode summaryIfDue(SessionRecord r, Tracked t, boolean now) {
        Path file = store.graph(r.id());
        long stamp;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            stamp = a.lastModifiedTime().toMillis() * 31 + a.size();
        } catch (IOException e) {
            return null;
        }
        long clock = System.nanoTime();
        if (stamp == t.graphStamp || !now && t.summaryAt != 0 && clock - t.summaryAt < SUMMARY_EVERY.toNanos()) {
            return null;
        }
        try {
            JsonNode sections = summaryAndAlerts(file);
            t.graphStamp = stamp;
            t.summaryAt = clock;
            return sections;
        } catch (IOException | RuntimeException e) {
            LOG.debug("session {}: graph file not readable now: {}", r.id(), e.toString());
            return null;
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectReader SECTION_READER = JsonMappers.SORTED.reader()
            .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The graph file's {@code summary} and {@code alerts} sections, the rest skipped unparsed. */
    static JsonNode summaryAndAlerts(Path file) throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode out = JsonMappers.SORTED.createObjectNode();
        try (com.fasterxml.jackson.core.JsonParser p = JsonMappers.SORTED.getFactory().createParser(file.toFile())) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                throw new IOException(file + " is not a graph document");
            }
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("summary") || name.equals("alerts")) {
                    out.set(name, SECTION_READER.readTree(p));
                } else {
                    p.skipChildren();
                }
            }
        }
        return out;
    }

    private String graphText(String id) {
        try {
            return Files.readString(store.graph(id), StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("session {}: no final graph to send ({}); the hub gets its events and record", id, e.getMessage());
            return null;
        }
    }

    /** One request; on success (true) the progress moves to the hub's next_seq and is saved. */
    private boolean push(SessionRecord r, Tracked t, JournalCursor.Batch batch, JsonNode graphDoc, String graph)
            throws Unavailable, IOException {
        long first = t.progress.nextSeq();
        String body = body(r, t, first, batch, graphDoc, graph);
        HubClient.Encoded encoded = HubClient.encode(body);
        if (graph != null && (body.length() > HubClient.MAX_INFLATED || encoded.bytes().length > HubClient.MAX_BODY)) {
            LOG.warn("session {}: its final graph ({} KiB, {} KiB compressed) is over the hub's request limit: sent"
                            + " without it (the hub has its events, summary and alerts)", r.id(), graph.length() >> 10,
                    encoded.bytes().length >> 10);
            encoded = HubClient.encode(body(r, t, first, batch, graphDoc, null));
        }
        HubClient.Answer a = client.push(encoded);
        switch (a.status()) {
            case 200 -> {
                if (a.nextSeq() < 0) {
                    throw new Unavailable("the hub answered 200 without next_seq");
                }
                long expected = first + (batch == null ? 0 : batch.lines().size());
                if (a.nextSeq() == expected && batch != null) {
                    t.progress = t.progress.at(expected, batch.endOffset());
                } else if (a.nextSeq() != first || batch != null) {
                    reposition(r.id(), t, a.nextSeq());
                }
                t.announced = true;
                save(r.id(), t);
                return true;
            }
            case 409 -> {
                LOG.info("session {}: the hub holds events up to {} (sent from {}): resending from there", r.id(),
                        a.nextSeq(), first);
                if (a.nextSeq() < 0) {
                    throw new Unavailable("the hub answered 409 without next_seq");
                }
                reposition(r.id(), t, a.nextSeq());
                save(r.id(), t);
            }
            case 413 -> {
                if (t.maxEvents == 1) {
                    refuse(r, t, a);
                } else {
                    t.maxEvents = Math.max(1, t.maxEvents / 2);
                    LOG.info("session {}: the hub found a request too large: batches of {} events now", r.id(),
                            t.maxEvents);
                }
            }
            case 400, 403, 404 -> refuse(r, t, a);
            default -> throw unavailable(a);
        }
        return false;
    }

    private Unavailable unavailable(HubClient.Answer a) {
        if (a.tls() && a.problem().matches("(?i).*(bad_certificate|certificate_unknown|unknown_ca|certificate_required"
                + "|access_denied|handshake_failure).*")) {
            return new Unavailable("the hub refused this host's certificate (CN=" + tls.identity() + ", issued by "
                    + tls.certificate().getIssuerX500Principal().getName() + "): " + a.problem());
        }
        if (a.tls()) {
            return new Unavailable(a.problem() + " (does the hub's certificate chain to hub.ca "
                    + settings.ca() + "?)");
        }
        if (a.status() == 401) {
            return new Unavailable("the hub refused this host's certificate (CN=" + tls.identity() + ", issued by "
                    + tls.certificate().getIssuerX500Principal().getName() + "): HTTP 401 " + a.problem());
        }
        return new Unavailable(a.status() == 0 ? a.problem() : "HTTP " + a.status() + ": " + a.problem());
    }

    private void refuse(SessionRecord r, Tracked t, HubClient.Answer a) {
        t.refused = true;
        LOG.error("hub refused session {} (host '{}', this host's certificate is for '{}'): HTTP {} {}; not sent"
                + " again until the agent restarts", r.id(), r.host(), tls.identity(), a.status(), a.problem());
    }

    /** Moves the progress to the hub's {@code next_seq}, finding its journal offset. */
    private void reposition(String id, Tracked t, long nextSeq) throws IOException {
        long offset = JournalCursor.offsetOf(store.journal(id), nextSeq);
        if (offset < 0) {
            long have = JournalCursor.count(store.journal(id), 0);
            LOG.warn("session {}: the hub says it holds {} events but the journal has {}: nothing more to send",
                    id, nextSeq, have);
            offset = size(store.journal(id));
        }
        t.progress = t.progress.at(nextSeq, offset);
    }

    private String body(SessionRecord r, Tracked t, long first, JournalCursor.Batch batch, JsonNode graphDoc,
                        String graph) throws IOException {
        Map<String, Object> session = SessionStore.toMap(r);
        long unforwarded = t.progress.givenUp() ? JournalCursor.count(store.journal(r.id()), t.progress.offset()) : 0;
        if (t.progress.givenUp() && unforwarded != t.progress.unforwarded()) {
            t.progress = t.progress.givenUp(unforwarded);
        }
        session.put("unforwarded_events", unforwarded);
        StringBuilder b = new StringBuilder(batch == null ? 4096 : (int) Math.min(Integer.MAX_VALUE - 16,
                batch.bytes() + 4096));
        try {
            b.append("{\"session\":").append(JsonMappers.SORTED.writeValueAsString(session));
            b.append(",\"first_seq\":").append(first).append(",\"events\":[");
            if (batch != null) {
                for (int i = 0; i < batch.lines().size(); i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    b.append(batch.lines().get(i));
                }
            }
            b.append(']');
            if (graphDoc != null && graphDoc.hasNonNull("summary")) {
                b.append(",\"summary\":").append(JsonMappers.SORTED.writeValueAsString(graphDoc.get("summary")));
            }
            if (graphDoc != null && graphDoc.has("alerts")) {
                b.append(",\"alerts\":").append(JsonMappers.SORTED.writeValueAsString(graphDoc.get("alerts")));
            }
        } catch (JsonProcessingException e) {
            throw new IOException("cannot write a request for session " + r.id() + ": " + e.getOriginalMessage(), e);
        }
        if (graph != null) {
            b.append(",\"graph\":").append(graph.strip());
        }
        return b.append('}').toString();
    }

    private void save(String id, Tracked t) {
        try {
            t.progress.write(store.directory(id));
        } catch (IOException e) {
            LOG.warn("session {}: cannot save its hub progress ({}); a restart re-asks the hub", id, e.getMessage());
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Stops the thread after the request in flight, if any (its answer is saved; interrupted only after 10 s);
     * what is not at the hub yet goes when the agent starts again.
     */
    @Override
    public void close() {
        running = false;
        synchronized (wake) {
            wake.notifyAll();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(TimeUnit.SECONDS.toMillis(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        HubClient c = client;
        if (c != null && !thread.isAlive()) {
            c.close();
        }
    }
}
