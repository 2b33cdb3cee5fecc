package io.zkclob.prover;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.DriverManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which replica cuts the log into ranges and executes them: the one holding a PostgreSQL session-level advisory
 * lock on its own connection. The lock is the connection's, so a replica that dies (or loses its connection)
 * releases it at once and another replica takes over at its next try; proving is shared by every replica
 * through claims ({@link ZkPipeline}), not through this lock.
 */
final class LeaderLock implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaderLock.class);
    /** Arbitrary, fixed: "zkclob ranges". */
    private static final long KEY = 0x7A6B636C6F627200L;
    private final String url;
    private final String user;
    private final String password;
    private Connection connection;

    /** Its own connection, outside the pool: a pooled one would outlive close() and keep the lock. */
    LeaderLock(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** True while this replica holds the lock (taking it if free); never blocks on another holder. */
    synchronized boolean held() {
        try {
            if (connection != null && connection.isValid(2)) return true;
            close();
            connection = DriverManager.getConnection(url, user, password);
            connection.setAutoCommit(true);
            try (PreparedStatement s = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                s.setLong(1, KEY);
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        log.info("this replica now cuts and executes ranges (leader lock taken)");
                        return true;
                    }
                }
            }
            close();
            return false;
        } catch (SQLException e) {
            log.warn("leader lock: {}", e.getMessage());
            close();
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (connection == null) return;
        try {
            connection.close(); // ends the session: PostgreSQL releases the lock
        } catch (SQLException ignored) {
            // the session is gone either way
        }
        connection = null;
    }
}
