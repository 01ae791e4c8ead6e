package io.changegraph.hub;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The hub's PostgreSQL: a HikariCP pool (which drops broken connections and reconnects, so the hub recovers
 * by itself when PostgreSQL restarts) and the schema, migrated by Flyway at start ({@code db/migration}).
 */
final class HubDatabase implements AutoCloseable {
    /** How long a request waits for a connection before it is answered 503. */
    static final long CONNECTION_TIMEOUT_MS = 3_000;
    static final int POOL_SIZE = 10;

    private final HikariDataSource pool;
    private final DatabaseUrl url;

    private HubDatabase(HikariDataSource pool, DatabaseUrl url) {
        this.pool = pool;
        this.url = url;
    }

    /** Connects (once, failing fast) and migrates the schema. */
    static HubDatabase open(DatabaseUrl url, MeterRegistry metrics) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("changegraph-hub");
        config.setJdbcUrl(url.jdbcUrl());
        config.setUsername(url.user());
        if (url.password() != null) {
            config.setPassword(url.password());
        }
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(2);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        config.setValidationTimeout(1_000);
        config.setInitializationFailTimeout(1);   // no database at start: fail now, with one line
        config.setAutoCommit(true);
        config.addDataSourceProperty("connectTimeout", "3");
        config.addDataSourceProperty("socketTimeout", "60");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("ApplicationName", "changegraph-hub");
        if (metrics != null) {
            config.setMetricRegistry(metrics);
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            throw new HubStartException("cannot connect to the database " + url.display() + ": "
                    + rootMessage(e) + ": start PostgreSQL or fix --db (a password comes from PGPASSWORD)");
        }
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .table("flyway_schema_history")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            pool.close();
            throw new HubStartException("cannot migrate the database " + url.display() + ": " + rootMessage(e));
        }
        return new HubDatabase(pool, url);
    }

    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    DatabaseUrl url() {
        return url;
    }

    /**
     * True when an error means the database is out of reach for now (connection refused or cut, server
     * shutting down, pool exhausted, serialisation failure): the client should retry later (HTTP 503).
     */
    static boolean unavailable(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        for (SQLException s = e; s != null; s = s.getNextException()) {
            String state = s.getSQLState();
            if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
                    || state.equals("40001") || state.equals("40P01"))) {
                return true;
            }
        }
        Throwable cause = e.getCause();
        return cause instanceof java.io.IOException;
    }

    static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = String.valueOf(cause.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    @Override
    public void close() {
        pool.close();
    }
}
