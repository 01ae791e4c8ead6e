package io.changegraph.control;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The agent's side of the control plane, on one thread of its own:
 * <ol>
 *   <li>at {@link #start}, the last good rules and config from the cache directory are handed to the agent, so it
 *       runs on them even when etcd cannot be reached;</li>
 *   <li>then, in a loop: connect; grant a lease of {@code lease_seconds} (kept alive); read the rules and config
 *       keys and apply the release for this host (the staged one when its group or host glob matches, else the
 *       fleet default); write {@code /changegraph/hosts/HOST} under the lease; watch both prefixes; rewrite the
 *       registration every {@link #STATUS_EVERY} (which also notices a lost etcd);</li>
 *   <li>any failure ends the connection; the next attempt waits by {@link Backoff} (exponential, with jitter).</li>
 * </ol>
 * A release the agent refuses (its {@link Receiver} names a problem) is logged and not cached; the agent keeps
 * running on what it has.
 */
public final class ControlAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlAgent.class);
    static final Duration STATUS_EVERY = Duration.ofSeconds(5);

    /** What the agent does with a release, and what it reports. Called on the control thread only. */
    public interface Receiver {
        /** Applies a release; null when it now runs on it, else the problem in one line (the release is refused). */
        String apply(Channel channel, Release release);

        AgentStatus status();
    }

    private final ControlSettings settings;
    private final String host;
    private final Path cache;
    private final Receiver receiver;
    private final Backoff backoff;
    private final ProcessUsage usage = new ProcessUsage();
    private final Map<Channel, Release> applied = new EnumMap<>(Channel.class);
    private final BlockingQueue<Object> signals = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile Client client;
    private volatile long lease;
    private Thread thread;
    private long lastEvents = -1;
    private long lastEventsAt;

    public ControlAgent(ControlSettings settings, String host, Path cacheDir, Receiver receiver) {
        this(settings, host, cacheDir, receiver, new Backoff(Duration.ofMillis(250), Duration.ofSeconds(8),
                ThreadLocalRandom.current()));
    }

    ControlAgent(ControlSettings settings, String host, Path cacheDir, Receiver receiver, Backoff backoff) {
        if (!Target.NAME.matcher(host).matches()) {
            throw new IllegalArgumentException("host name '" + host + "' cannot be a registry key");
        }
        this.settings = settings;
        this.host = host;
        this.cache = cacheDir;
        this.receiver = receiver;
        this.backoff = backoff;
    }

    /** Applies the cached releases, then starts the control thread. */
    public ControlAgent start() throws IOException {
        Files.createDirectories(cache);
        for (Channel c : Channel.values()) {
            Path file = cacheFile(c);
            if (Files.exists(file)) {
                try {
                    Release r = Release.fromJson(Files.readString(file, StandardCharsets.UTF_8), -1);
                    apply(c, r, false);
                    LOG.info("control: running on the last good {} (etcd revision {}, {}) until etcd answers",
                            c.word(), r.revision(), r.digest());
                } catch (IOException e) {
                    LOG.warn("control: the cached {} {} cannot be read ({}); waiting for etcd", c.word(), file,
                            e.getMessage());
                }
            }
        }
        thread = Thread.ofPlatform().name("changegraph-control").daemon(true).start(this::run);
        return this;
    }

    /** The etcd revision of the release this host runs, 0 when none came from the fleet. */
    public synchronized long revision(Channel c) {
        Release r = applied.get(c);
        return r == null ? 0 : r.revision();
    }

    /** Whether the agent is registered and watching now. */
    public boolean connected() {
        return connected;
    }

    private void run() {
        try {
            loop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() throws InterruptedException {
        boolean warned = false;
        while (!closed) {
            try {
                session();
            } catch (RuntimeException e) {
                if (closed) {
                    break;
                }
                Duration wait = backoff.next();
                if (!warned || connected) {
                    LOG.warn("control: etcd {} cannot be used ({}); running on the last good rules and config,"
                            + " retrying with backoff", settings.endpoints(), e.getMessage());
                    warned = true;
                } else {
                    LOG.debug("control: retry {} in {} ms: {}", backoff.failures(), wait.toMillis(), e.getMessage());
                }
                connected = false;
                sleep(wait);
            }
        }
    }

    private void session() throws InterruptedException {
        signals.clear();
        Client c = EtcdConnection.open(settings);
        client = c;
        List<AutoCloseable> open = new ArrayList<>();
        try {
            lease = EtcdConnection.await(c.getLeaseClient().grant(settings.leaseSeconds()), "granting a lease").getID();
            CloseableClient keepAlive = c.getLeaseClient().keepAlive(lease, new StreamObserver<>() {
                @Override
                public void onNext(LeaseKeepAliveResponse r) {
                    if (r.getTTL() <= 0) {
                        signals.offer(new FleetException("the registration's lease expired"));
                    }
                }

                @Override
                public void onError(Throwable t) {
                    signals.offer(new FleetException("keeping the lease alive: " + t.getMessage(), t));
                }

                @Override
                public void onCompleted() {
                }
            });
            open.add(keepAlive);
            Map<Channel, Long> seen = new EnumMap<>(Channel.class);
            for (Channel ch : Channel.values()) {
                seen.put(ch, refresh(c, ch));
            }
            putStatus(c);
            for (Channel ch : Channel.values()) {
                WatchOption o = WatchOption.builder().isPrefix(true).withRevision(seen.get(ch) + 1).build();
                Watch.Watcher w = c.getWatchClient().watch(Keys.bytes(Keys.prefix(ch)), o, Watch.listener(
                        r -> signals.offer(ch),
                        t -> signals.offer(new FleetException("watching " + Keys.prefix(ch) + ": " + t.getMessage(), t))));
                open.add(w);
            }
            if (backoff.failures() > 0) {
                LOG.info("control: connected to etcd again after {} attempt(s); registered as {}", backoff.failures(), host);
            } else {
                LOG.info("control: registered as {} in group {} at {}", host, settings.group(), settings.endpoints());
            }
            backoff.reset();
            connected = true;
            while (!closed) {
                Object s = signals.poll(STATUS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                if (s == null) {
                    putStatus(c);
                } else if (s instanceof Channel ch) {
                    signals.remove(ch);   // several events in a row: one read
                    refresh(c, ch);
                } else if (s instanceof RuntimeException e) {
                    throw e;
                }
            }
        } finally {
            connected = false;
            for (AutoCloseable a : open.reversed()) {
                try {
                    a.close();
                } catch (Exception e) {
                    LOG.debug("control: closing {}: {}", a, e.toString());
                }
            }
            if (closed) {
                try {
                    c.getLeaseClient().revoke(lease).get(1, TimeUnit.SECONDS);   // a clean stop leaves the registry at once
                } catch (Exception e) {
                    LOG.debug("control: revoking the lease: {}", e.toString());
                }
            }
            c.close();
            client = null;
        }
    }

    /** Reads one channel's keys and applies the release for this host; returns the revision read at. */
    private long refresh(Client c, Channel ch) {
        GetResponse r = EtcdConnection.await(c.getKVClient().get(Keys.bytes(Keys.prefix(ch)),
                GetOption.builder().isPrefix(true).build()), "reading " + Keys.prefix(ch));
        Release fleet = null;
        Release staged = null;
        for (KeyValue k : r.getKvs()) {
            String key = Keys.text(k.getKey());
            try {
                if (key.equals(Keys.fleetDefault(ch))) {
                    fleet = Release.fromJson(Keys.text(k.getValue()), k.getModRevision());
                } else if (key.equals(Keys.staged(ch))) {
                    staged = Release.fromJson(Keys.text(k.getValue()), k.getModRevision());
                }
            } catch (IOException e) {
                LOG.warn("control: {} holds no release ({}); ignored", key, e.getMessage());
            }
        }
        Release mine = staged != null && staged.target().matches(host, settings.group()) ? staged : fleet;
        if (mine != null && mine.revision() != revision(ch)) {
            if (apply(ch, mine, true)) {
                putStatus(c);
            }
        }
        return r.getHeader().getRevision();
    }

    private boolean apply(Channel ch, Release r, boolean fromEtcd) {
        String problem;
        try {
            problem = receiver.apply(ch, r);
        } catch (RuntimeException e) {
            problem = e.toString();
        }
        if (problem != null) {
            LOG.warn("control: {} of revision {} ({}) refused: {}; keeping the {} in use", ch.word(), r.revision(),
                    r.digest(), problem, ch.word());
            return false;
        }
        synchronized (this) {
            applied.put(ch, r);
        }
        if (fromEtcd) {
            LOG.info("control: now on the {} of etcd revision {} ({}, {} by {})", ch.word(), r.revision(), r.digest(),
                    r.action(), r.who());
            try {
                Path tmp = cacheFile(ch).resolveSibling(ch.word() + ".json.tmp");
                Files.writeString(tmp, r.toJson(), StandardCharsets.UTF_8);
                Files.move(tmp, cacheFile(ch), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                LOG.warn("control: cannot keep the {} in {} ({}): a restart without etcd would not have it", ch.word(),
                        cache, e.getMessage());
            }
        }
        return true;
    }

    private void putStatus(Client c) {
        EtcdConnection.await(c.getKVClient().put(Keys.bytes(Keys.host(host)), Keys.bytes(status().toJson()),
                PutOption.builder().withLeaseId(lease).build()), "registering " + host);
    }

    /** This host's registration as it would be written now. */
    HostStatus status() {
        AgentStatus a = receiver.status();
        long now = System.nanoTime();
        double perSecond = 0;
        if (lastEvents >= 0 && now > lastEventsAt && a.events() >= lastEvents) {
            perSecond = (a.events() - lastEvents) * 1e9 / (now - lastEventsAt);
        }
        lastEvents = a.events();
        lastEventsAt = now;
        Release rules;
        synchronized (this) {
            rules = applied.get(Channel.RULES);
        }
        return new HostStatus(host, a.version(), settings.group(), revision(Channel.RULES),
                rules == null ? "local" : rules.digest(), revision(Channel.CONFIG), a.liveSessions(),
                usage.cpuPercent(), ProcessUsage.rssBytes(), perSecond, a.losses(), a.degradation(), Instant.now());
    }

    private Path cacheFile(Channel c) {
        return cache.resolve(c.word() + ".json");
    }

    private void sleep(Duration d) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (!closed && System.nanoTime() < end) {
            Thread.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
    }

    /** Stops the thread; a connected agent revokes its lease, so it leaves the registry at once. */
    @Override
    public void close() {
        closed = true;
        signals.offer(Boolean.TRUE);
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Client c = client;
        if (c != null && thread != null && thread.isAlive()) {
            c.close();
        }
    }
}
