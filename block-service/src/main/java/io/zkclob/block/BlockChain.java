package io.zkclob.block;

import io.zkclob.contracts.Event.BlockSealed;
import io.zkclob.contracts.Event.TradeExecuted;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.engine.BlockHash;
import io.zkclob.support.EventFeed;
import io.zkclob.support.EventFeed.Indexed;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns BlockSealed events into hash-chained blocks: stores them, every trade, the header to publish (the
 * outbox) and the feed's next offset in one transaction per batch; then {@link #relay} publishes the unsent
 * headers on exchange.blocks (key = height; at least once, oldest first, consumers keep the first per height).
 * A crash between the commit and the send leaves the header in the outbox, and the relay sends it after the
 * restart. Block hashes are a pure function of the log (BlockHash), so a replay rebuilds the same chain.
 */
final class BlockChain implements EventFeed.Projection {
    /** Sends one header and returns once the broker acknowledged it (acks=all, idempotent producer). */
    @FunctionalInterface
    interface Publisher {
        void send(String key, String value) throws Exception;
    }

    private static final Logger log = LoggerFactory.getLogger(BlockChain.class);
    private static final int RELAY_BATCH = 100;
    private static final int RELAY_BATCHES_PER_CALL = 10; // the next call (at most a second later) continues
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Publisher publisher;

    BlockChain(JdbcClient jdbc, TransactionTemplate tx, Publisher publisher) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.publisher = publisher;
    }

    @Override
    public long nextOffset() {
        return jdbc.sql("SELECT next_offset FROM feed_position WHERE feed = 'events'").query(Long.class).single();
    }

    @Override
    public void apply(List<Indexed> batch, long nextOffset) {
        tx.executeWithoutResult(s -> {
            // The poll's trades in one statement (arrays unnested), not one INSERT per event: at 4,000 orders/s the
            // per-row statements were most of this database's CPU (docs/benchmarks.md, issue 10, session 8). Only
            // trades are kept: the explorer's one reader of this table lists a block's trades, and every other event
            // (most of them: acceptances, cancels) is in exchange.events, kept forever.
            // They go in before the poll's blocks are sealed; within one transaction the order is invisible.
            List<Indexed> trades = batch.stream().filter(e -> e.event() instanceof TradeExecuted).toList();
            int n = trades.size(); // at most LogFollower.MAX_POLL_RECORDS
            long[] seqs = new long[n];
            int[] indexes = new int[n];
            String[] types = new String[n];
            String[] bodies = new String[n];
            for (int i = 0; i < n; i++) {
                Indexed e = trades.get(i);
                seqs[i] = e.seq();
                indexes[i] = e.index();
                types[i] = e.event().getClass().getSimpleName();
                bodies[i] = MessageJson.write(e.event());
            }
            if (n > 0) {
                jdbc.sql("INSERT INTO events SELECT * FROM unnest(?::bigint[], ?::int[], ?::text[], ?::text[]) ON CONFLICT DO NOTHING")
                        .params(seqs, indexes, types, bodies).update();
            }
            for (Indexed e : batch) {
                if (e.event() instanceof BlockSealed b) seal(b);
            }
            jdbc.sql("UPDATE feed_position SET next_offset = GREATEST(next_offset, ?) WHERE feed = 'events'").param(nextOffset).update();
        });
        relayTick();
    }

    /** The relay after each batch and every second (so also at start); a failure waits for the next tick. */
    @Scheduled(fixedDelay = 1_000)
    void relayTick() {
        try {
            relay();
        } catch (RuntimeException e) {
            log.warn("relaying block headers failed; the outbox keeps them for the next attempt: {}", e.getMessage());
        }
    }

    private void seal(BlockSealed b) {
        String prev = b.height() == 1 ? BlockHash.GENESIS
                : jdbc.sql("SELECT hash FROM blocks WHERE height = ?").param(b.height() - 1).query(String.class).optional()
                        .orElseThrow(() -> new IllegalStateException("block " + (b.height() - 1) + " missing before " + b.height()));
        String hash = BlockHash.of(b, prev);
        int inserted = jdbc.sql("INSERT INTO blocks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                .params(b.height(), b.firstSeq(), b.lastSeq(), b.commandCount(), b.eventCount(), b.stateRoot(),
                        b.commandsRoot(), b.eventsRoot(), prev, hash, b.timestampMs()).update();
        if (inserted == 1) {
            jdbc.sql("INSERT INTO outbox (height, body) VALUES (?, ?)").params(b.height(), MessageJson.write(header(b, prev, hash))).update();
        }
    }

    /**
     * Publishes unsent headers oldest first and marks each once the broker acknowledged it; stops at the first
     * failure (the order on the topic follows the chain).
     */
    synchronized int relay() {
        int sent = 0;
        for (int round = 0; round < RELAY_BATCHES_PER_CALL; round++) {
            List<Map.Entry<Long, String>> unsent = jdbc.sql("SELECT height, body FROM outbox WHERE sent_at IS NULL ORDER BY height LIMIT ?")
                    .param(RELAY_BATCH).query((rs, n) -> Map.entry(rs.getLong(1), rs.getString(2))).list();
            if (unsent.isEmpty()) break;
            for (Map.Entry<Long, String> h : unsent) {
                try {
                    publisher.send(String.valueOf(h.getKey()), h.getValue());
                } catch (Exception e) {
                    throw new IllegalStateException("publishing block " + h.getKey() + " failed", e);
                }
                jdbc.sql("UPDATE outbox SET sent_at = now() WHERE height = ?").param(h.getKey()).update();
                sent++;
            }
        }
        return sent;
    }

    static Map<String, Object> header(BlockSealed b, String prev, String hash) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("height", b.height());
        m.put("firstSeq", b.firstSeq());
        m.put("lastSeq", b.lastSeq());
        m.put("commandCount", b.commandCount());
        m.put("eventCount", b.eventCount());
        m.put("stateRoot", b.stateRoot());
        m.put("commandsRoot", b.commandsRoot());
        m.put("eventsRoot", b.eventsRoot());
        m.put("prevHash", prev);
        m.put("hash", hash);
        m.put("timestampMs", b.timestampMs());
        return m;
    }
}
