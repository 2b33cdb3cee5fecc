package io.zkclob.matching;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Engine snapshots in PostgreSQL; only the newest few are kept. */
@Component
class SnapshotStore {
    record Stored(long lastSeq, byte[] state) {}

    private static final int KEEP = 3;
    private final JdbcClient jdbc;

    SnapshotStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Stored latest() {
        return jdbc.sql("SELECT last_seq, state FROM matcher_snapshots ORDER BY last_seq DESC LIMIT 1")
                .query((rs, n) -> new Stored(rs.getLong(1), rs.getBytes(2))).optional().orElse(null);
    }

    void save(long lastSeq, long height, String stateRoot, byte[] state) {
        jdbc.sql("INSERT INTO matcher_snapshots (last_seq, height, state_root, state) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
                .params(lastSeq, height, stateRoot, state).update();
        jdbc.sql("DELETE FROM matcher_snapshots WHERE last_seq NOT IN (SELECT last_seq FROM matcher_snapshots ORDER BY last_seq DESC LIMIT ?)")
                .param(KEEP).update();
    }
}
