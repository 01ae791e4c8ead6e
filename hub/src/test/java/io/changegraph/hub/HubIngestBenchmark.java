package io.changegraph.hub;

import io.changegraph.repository.store.SessionRecord;
import io.changegraph.repository.store.SessionStore;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hub under 50 agents: each agent (its own client certificate, CN agent-NN) replays a recorded session's
 * journal as SESSIONS sessions of its own, in batches, the way an agent forwards (resend from next_seq on 409,
 * back off on 503). The hub runs in its own JVM on a private PostgreSQL 15. Per round: sessions/s and events/s
 * until the last batch is acknowledged, then the events in the database are counted (0 loss = every event
 * of every session, each once). Prints each round and the medians.
 *
 * Run: bench/hub-ingest.sh (records the journal first if needed), or
 * bench/java-bench.sh hub io.changegraph.hub.HubIngestBenchmark JOURNAL.jsonl [AGENTS] [SESSIONS] [EVENTS] [BATCH] [ROUNDS]
 */
public final class HubIngestBenchmark {
    private HubIngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path journal = Path.of(args[0]);
        int agents = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int sessions = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int eventsPerSession = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 1_000;
        int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 3;

        List<String> lines;
        try (var stream = Files.lines(journal, StandardCharsets.UTF_8)) {
            lines = stream.limit(eventsPerSession).toList();
        }
        int events = lines.size();
        // each batch's events as one JSON fragment, built once: the client's CPU goes to sending, not building
        List<String> chunks = new ArrayList<>();
        for (int from = 0; from < events; from += batch) {
            chunks.add(String.join(",", lines.subList(from, Math.min(events, from + batch))));
        }
        long journalBytes = lines.stream().mapToLong(String::length).sum();
        System.out.printf("journal %s: %d events (%d bytes, %d bytes/event); %d agents x %d sessions, batches of %d%n",
                journal, events, journalBytes, journalBytes / Math.max(1, events), agents, sessions, batch);

        Path tmp = Files.createTempDirectory("changegraph-hub-bench-");
        String[] hosts = new String[agents];
        for (int i = 0; i < agents; i++) {
            hosts[i] = String.format("agent-%02d", i);
        }
        FleetCerts certs = FleetCerts.make(tmp.resolve("certs"), hosts);
        List<Double> sessionRates = new ArrayList<>();
        List<Double> eventRates = new ArrayList<>();
        try (PostgresCluster postgres = PostgresCluster.start()) {
            int port = PostgresCluster.freePort();
            Process hub = HubProcess.start(port, postgres, certs, "2g");
            try {
                URI base = URI.create("https://127.0.0.1:" + port);
                for (int round = 0; round <= rounds; round++) {   // round 0 warms the JIT up and is not counted
                    AtomicLong retries = new AtomicLong();
                    long start = System.nanoTime();
                    try (ExecutorService pool = Executors.newFixedThreadPool(agents)) {
                        List<Future<?>> done = new ArrayList<>();
                        for (int a = 0; a < agents; a++) {
                            String host = hosts[a];
                            int r = round;
                            IngestClient client = new IngestClient(base, certs.cert(host), certs.key(host), certs.ca());
                            done.add(pool.submit(() -> {
                                for (int s = 0; s < sessions; s++) {
                                    replay(client, host, "bench-r" + r + "-" + host + "-" + s, chunks, batch, events, retries);
                                }
                                return null;
                            }));
                        }
                        for (Future<?> f : done) {
                            f.get();
                        }
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    long expected = (long) agents * sessions * events;
                    long stored = count(postgres, "bench-r" + round + "-%");
                    if (stored != expected) {
                        throw new AssertionError("round " + round + ": " + stored + " events in the database, "
                                + expected + " sent: loss or duplication");
                    }
                    double sps = agents * sessions / seconds;
                    double eps = expected / seconds;
                    if (round > 0) {
                        sessionRates.add(sps);
                        eventRates.add(eps);
                    }
                    System.out.printf("%s: %d sessions, %d events in %.1f s: %.1f sessions/s, %.0f events/s,"
                            + " %d events in the database (0 lost, 0 twice), %d retries (503/409/refused)%n",
                            round == 0 ? "warm-up" : "round " + round, agents * sessions, expected, seconds, sps, eps, stored, retries.get());
                }
            } finally {
                hub.destroy();
                hub.waitFor();
            }
        } finally {
            try (var walk = Files.walk(tmp)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        System.out.printf("median: %.1f sessions/s, %.0f events/s (%d agents, %d events a session, batches of %d)%n",
                median(sessionRates), median(eventRates), agents, events, batch);
    }

    /** One agent's push of one session: batches from next_seq, then the ended record. */
    private static void replay(IngestClient client, String host, String id, List<String> chunks, int batch, int events,
                               AtomicLong retries) throws IOException, InterruptedException {
        Instant started = Instant.now();
        SessionRecord live = FleetData.session(host, id, 0, "root", List.of("examples/deploy.sh", "--env", "canary"),
                started, SessionRecord.State.LIVE, 0);
        String liveJson = Json.write(SessionStore.toMap(live));
        long next = 0;
        while (next < events) {
            int index = (int) (next / batch);
            long first = (long) index * batch;
            String body = "{\"session\":" + liveJson + ",\"first_seq\":" + first + ",\"events\":[" + chunks.get(index) + "]}";
            IngestClient.Answer answer = send(client, body, retries);
            next = answer.nextSeq();
        }
        SessionRecord ended = live.with(SessionRecord.State.ENDED, Instant.now(), live.stats());
        String last = "{\"session\":" + Json.write(SessionStore.toMap(ended)) + ",\"first_seq\":" + events
                + ",\"events\":[],\"summary\":{\"behaviours\":[]},\"alerts\":[]}";
        send(client, last, retries);
    }

    private static IngestClient.Answer send(IngestClient client, String body, AtomicLong retries)
            throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 200; attempt++) {
            IngestClient.Answer answer;
            try {
                answer = client.post(body);
            } catch (IOException e) {
                retries.incrementAndGet();
                Thread.sleep(50);
                continue;
            }
            if (answer.status() == 200 || answer.status() == 409) {
                if (answer.status() == 409) {
                    retries.incrementAndGet();
                }
                return answer;
            }
            if (answer.status() != 503) {
                throw new IOException("hub answered " + answer.status() + ": " + answer.body());
            }
            retries.incrementAndGet();
            Thread.sleep(50 + (long) (Math.random() * 100));
        }
        throw new IOException("the hub did not take a batch in 200 tries");
    }

    private static long count(PostgresCluster postgres, String idPattern) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/changegraph",
                "cg", postgres.password());
             PreparedStatement ps = c.prepareStatement("SELECT count(*), count(DISTINCT (session_id, seq)) FROM events"
                     + " WHERE session_id LIKE ?")) {
            ps.setString(1, idPattern);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) != rs.getLong(2)) {
                    throw new AssertionError("an event is stored twice");
                }
                return rs.getLong(1);
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
