package io.changegraph.monitor;

import io.changegraph.repository.model.Alert;
import io.changegraph.repository.model.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live monitor. The caller's thread only evaluates rules and offers hits to a bounded queue. A
 * dispatch thread writes the alert log and aggregates hits into messages in the outbox; a sender
 * thread delivers them with a rate limit and exponential backoff with jitter. Owns both threads, the
 * log and the sinks; {@link #close()} stops them in reverse order of start.
 */
final class LiveMonitor implements Monitor {
    private static final Logger LOG = LoggerFactory.getLogger(LiveMonitor.class);
    private static final int QUEUE_CAPACITY = 65_536;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final RuleEngine engine;
    private final BehaviourRules behaviours;
    private final MonitorConfig config;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong evaluationErrors = new AtomicLong();
    private final AlertLog log;
    private final Outbox outbox;
    private final Sink mail;
    private final Sink webhook;
    private final Aggregator aggregator;
    private final Thread dispatcher;
    private final Thread sender;
    private volatile boolean running = true;
    /** Set by {@link #close()}: the sender delivers what is due until then and stops. */
    private volatile long stopSendingAt = Long.MAX_VALUE;

    /** Queued by {@link #close()}: the dispatcher stops waiting at once. */
    private static final Object STOP = new Object();

    /** A queued request to flush one session's batches now. */
    private record EndOfSession(String sessionId) {
    }

    private LiveMonitor(RuleSet rules, MonitorConfig config, AlertLog log, Outbox outbox) {
        this.engine = new RuleEngine(rules.rules());
        this.behaviours = new BehaviourRules(rules.rules());
        this.config = config;
        this.log = log;
        this.outbox = outbox;
        this.mail = config.smtp() == null ? null : new MailSink(config.smtp());
        this.webhook = config.webhook() == null ? null : new WebhookSink(config.webhook());
        this.aggregator = new Aggregator(config);
        this.dispatcher = Thread.ofPlatform().name("cg-alert-dispatch").daemon().unstarted(this::dispatchLoop);
        this.sender = Thread.ofPlatform().name("cg-alert-sender").daemon().unstarted(this::sendLoop);
    }

    static LiveMonitor start(RuleSet rules, MonitorConfig config) throws IOException {
        AlertLog log;
        try {
            log = config.alertLog() == null ? null : AlertLog.open(config.alertLog());
        } catch (IOException e) {
            throw new IOException("cannot open the alert log " + config.alertLog() + " (" + e + "); make it writable"
                    + " or set alerts.log in the rules file", e);
        }
        Outbox outbox;
        try {
            outbox = Outbox.open(config.outbox());
        } catch (IOException e) {
            if (log != null) {
                log.close();
            }
            throw new IOException("cannot open the alert outbox " + config.outbox() + " (" + e + "); make it"
                    + " writable or set alerts.outbox in the rules file", e);
        }
        if (config.smtp() != null && config.smtp().username() != null
                && (config.smtp().password() == null || config.smtp().password().isEmpty())) {
            LOG.warn("alerts.smtp has username '{}' but no password: the variable named by password_env is not set",
                    config.smtp().username());
        }
        // load Jackson's serializers now, not when the first alert should be logged within a second
        Json.MAPPER.writeValueAsString(Map.of("warm", List.of(1L, "up", true)));
        LiveMonitor monitor = new LiveMonitor(rules, config, log, outbox);
        monitor.dispatcher.start();
        monitor.sender.start();
        return monitor;
    }

    @Override
    public List<Alert> onEvent(Event event, SessionContext context) {
        List<Hit> hits;
        try {
            hits = engine.evaluate(event, context);
        } catch (RuntimeException e) {
            if (evaluationErrors.getAndIncrement() == 0) {
                LOG.error("rule evaluation failed on {} event; further failures are only counted: {}",
                        event.verb().wireName(), e.toString());
            }
            return List.of();
        }
        if (hits.isEmpty()) {
            return List.of();
        }
        List<Alert> alerts = new ArrayList<>(hits.size());
        for (Hit hit : hits) {
            alerts.add(hit.alert());
            if (!queue.offer(hit) && dropped.getAndIncrement() % 1000 == 0) {
                LOG.warn("alert queue full: hit of rule {} annotates the graph but is not logged or mailed ({} so far)",
                        hit.rule().id(), dropped.get());
            }
        }
        return alerts;
    }

    @Override
    public List<Alert> onSummary(io.changegraph.repository.model.GraphDocument snapshot, SessionContext context) {
        if (behaviours.isEmpty() || snapshot == null || snapshot.summary() == null) {
            return List.of();
        }
        List<Hit> hits;
        try {
            hits = behaviours.evaluate(snapshot, snapshot.summary(), context);
        } catch (RuntimeException e) {
            if (evaluationErrors.getAndIncrement() == 0) {
                LOG.error("behaviour rule evaluation failed; further failures are only counted: {}", e.toString());
            }
            return List.of();
        }
        List<Alert> alerts = new ArrayList<>(hits.size());
        for (Hit hit : hits) {
            alerts.add(hit.alert());
            if (!queue.offer(hit)) {
                dropped.incrementAndGet();
            }
        }
        return alerts;
    }

    @Override
    public void endSession(String sessionId) {
        engine.endSession(sessionId);
        behaviours.endSession(sessionId);
        if (!queue.offer(new EndOfSession(sessionId))) {
            LOG.warn("alert queue full: session {} is flushed at the end of its window instead", sessionId);
        }
    }

    @Override
    public long droppedHits() {
        return dropped.get();
    }

    @Override
    public int pendingMessages() {
        return outbox.size();
    }

    @Override
    public java.nio.file.Path outbox() {
        return config.outbox();
    }

    /**
     * Closes the open windows into the outbox, then lets the sender deliver until the outbox is empty or
     * {@link MonitorConfig#drain()} has passed (waiting out retries and rate-limit holds that fall within
     * it), and stops the threads. What is still unsent stays in the outbox ({@link #pendingMessages()}).
     */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        queue.offer(STOP);
        join(dispatcher, TimeUnit.SECONDS.toMillis(5));
        long drainNanos = config.drain().toNanos();
        stopSendingAt = System.nanoTime() + drainNanos;
        outbox.wake();   // the sender stops waiting and sees that it is closing
        long sendTimeout = Math.max(config.smtp() == null ? 0 : config.smtp().timeout().toMillis(),
                config.webhook() == null ? 0 : config.webhook().timeout().toMillis());
        join(sender, TimeUnit.NANOSECONDS.toMillis(drainNanos) + sendTimeout + 1000);
        sender.interrupt();
        join(sender, 1000);
        if (webhook != null) {
            webhook.close();
        }
        if (mail != null) {
            mail.close();
        }
        if (log != null) {
            try {
                log.close();
            } catch (IOException e) {
                LOG.warn("cannot close alert log {}: {}", config.alertLog(), e.getMessage());
            }
        }
        if (outbox.size() > 0) {
            LOG.info("{} alert message(s) left in the outbox {}", outbox.size(),
                    config.outbox() == null ? "(memory only)" : config.outbox());
        }
    }

    private static void join(Thread thread, long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- dispatch thread ---------------------------------------------------------------------------

    private void dispatchLoop() {
        List<Object> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Object first = queue.poll(TICK_NANOS, TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, 4096);
                }
            } catch (InterruptedException e) {
                break;
            }
            dispatch(batch, false);
            batch.clear();
        }
        dispatch(List.copyOf(queue), true);
    }

    private void dispatch(List<Object> items, boolean all) {
        long now = System.nanoTime();
        List<String> endedSessions = new ArrayList<>();
        for (Object item : items) {
            if (item instanceof Hit hit) {
                appendToLog(hit);
                aggregator.add(hit, now);
            } else if (item instanceof EndOfSession end) {
                endedSessions.add(end.sessionId());
            }
        }
        if (log != null && !items.isEmpty()) {
            try {
                log.flush();
            } catch (IOException e) {
                LOG.warn("cannot write alert log {}: {}", config.alertLog(), e.getMessage());
            }
        }
        List<Message> due = new ArrayList<>(aggregator.due(now, all, null));
        for (String session : endedSessions) {
            due.addAll(aggregator.due(now, false, session));
        }
        due.forEach(outbox::add);
    }

    private void appendToLog(Hit hit) {
        if (log == null) {
            return;
        }
        try {
            log.append(hit);
        } catch (IOException e) {
            LOG.warn("cannot write alert log {}: {}", config.alertLog(), e.getMessage());
        }
    }

    // ---- sender thread -----------------------------------------------------------------------------

    /**
     * Delivers due messages. Mail and webhook each have their own limit per minute; critical messages are
     * never held back by it (nor counted in it): aggregation already makes them one per session, rule and
     * window. While closing, it goes on until the outbox is empty or the drain time has passed.
     */
    private void sendLoop() {
        Map<String, ArrayDeque<Long>> sentTimes = Map.of(Message.MAIL, new ArrayDeque<>(),
                Message.WEBHOOK, new ArrayDeque<>());
        while (!Thread.currentThread().isInterrupted()) {
            boolean closing = stopSendingAt != Long.MAX_VALUE;
            long left = closing ? stopSendingAt - System.nanoTime() : Long.MAX_VALUE;
            if (closing && (left <= 0 || outbox.size() == 0)) {
                break;   // drained, or out of time: the rest waits in the outbox
            }
            Outbox.Pending pending = outbox.awaitDue(closing ? Math.min(left, TICK_NANOS) : TICK_NANOS * 5);
            if (pending == null) {
                continue;
            }
            long now = System.nanoTime();
            String sinkName = pending.message.sink();
            ArrayDeque<Long> sent = sentTimes.get(sinkName);
            while (!sent.isEmpty() && now - sent.peekFirst() >= MINUTE_NANOS) {
                sent.pollFirst();
            }
            int limit = Message.MAIL.equals(sinkName) ? config.mailsPerMinute() : config.webhooksPerMinute();
            if (!pending.message.critical() && sent.size() >= limit) {
                outbox.holdUntil(pending, sent.peekFirst() + MINUTE_NANOS);
                continue;
            }
            Sink sink = Message.MAIL.equals(sinkName) ? mail : webhook;
            if (sink == null) {
                LOG.warn("alert message {} is for {}, which is not configured now; dropping it",
                        pending.message.id(), sinkName);
                outbox.delivered(pending);
                continue;
            }
            try {
                sink.send(pending.message);
                if (!pending.message.critical()) {
                    sent.addLast(now); // only delivered messages count: failed attempts reach nobody
                }
                outbox.delivered(pending);
                LOG.info("alert {} sent: {}", sinkName, pending.message.subject());
            } catch (Sink.SendFailure failure) {
                long delay = backoff(pending.attempts, failure.permanent());
                outbox.retryLater(pending, delay);
                String line = "alert " + sinkName + " not delivered (attempt " + pending.attempts
                        + "): " + failure.getMessage() + "; retrying in "
                        + TimeUnit.NANOSECONDS.toMillis(delay) / 1000.0 + " s";
                if (failure.permanent()) {
                    LOG.error(line);
                } else {
                    LOG.warn(line);
                }
            }
        }
    }

    /** Exponential backoff with "equal jitter": half the capped delay plus a random part of the other half. */
    private long backoff(int attempts, boolean permanent) {
        long max = config.retryMax().toNanos();
        long initial = Math.max(1, config.retryInitial().toNanos());
        long capped = permanent ? max : Math.min(max, initial << Math.min(attempts, 30));
        if (capped <= 0) {
            capped = max;
        }
        long half = capped / 2;
        return half + ThreadLocalRandom.current().nextLong(half + 1);
    }
}
