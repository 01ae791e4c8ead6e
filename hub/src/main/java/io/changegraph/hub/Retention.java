package io.changegraph.hub;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes sessions that ended more than {@code days} ago, with their events and graph (the foreign keys cascade),
 * at start and every 6 hours, a few sessions per statement so a big backlog never holds long locks. Live
 * sessions are never deleted. {@code days = 0} keeps everything.
 */
final class Retention implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private static final long EVERY_HOURS = 6;
    private static final String EXPIRE = """
            DELETE FROM sessions WHERE (host, id) IN (
                SELECT host, id FROM sessions
                WHERE state <> 'live' AND ended < now() - make_interval(days => ?) LIMIT 20)""";

    private final HubDatabase database;
    private final int days;
    private final HubMetrics metrics;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "changegraph-hub-retention");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });

    Retention(HubDatabase database, int days, HubMetrics metrics) {
        if (days < 0) {
            throw new IllegalArgumentException("retention of " + days + " days");
        }
        this.database = database;
        this.days = days;
        this.metrics = metrics;
    }

    void start() {
        if (days > 0) {
            timer.scheduleWithFixedDelay(this::expire, 0, EVERY_HOURS, TimeUnit.HOURS);
        }
    }

    /** One pass: deletes every expired session, 20 at a time; returns how many. */
    long expire() {
        long deleted = 0;
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(EXPIRE)) {
            ps.setInt(1, days);
            int n;
            do {
                n = ps.executeUpdate();
                deleted += n;
                metrics.expired(n);
            } while (n > 0 && !Thread.currentThread().isInterrupted());
            if (deleted > 0) {
                LOG.info("retention: deleted {} session(s) that ended more than {} days ago", deleted, days);
            }
        } catch (SQLException e) {
            LOG.warn("retention: not applied now ({}); tried again in {} hours", HubDatabase.rootMessage(e), EVERY_HOURS);
        }
        return deleted;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
