package io.zkclob.block;

import io.zkclob.contracts.Event.BlockSealed;
import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.engine.BlockHash;
import io.zkclob.support.EventFeed.Indexed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns BlockSealed events into hash-chained blocks: stores them (and every event) in one transaction per
 * batch, then publishes the headers on exchange.blocks (key = height; at least once, consumers keep the first
 * per height). Block hashes are a pure function of the log (BlockHash), so a replay rebuilds the same chain.
 */
final class BlockChain implements AutoCloseable {
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final KafkaProducer<String, String> producer;

    BlockChain(JdbcClient jdbc, TransactionTemplate tx, String bootstrap) {
        this.jdbc = jdbc;
        this.tx = tx;
        producer = io.zkclob.support.KafkaClients.producer(bootstrap);
    }

    void onEvents(List<Indexed> batch) {
        List<Map<String, Object>> sealed = new ArrayList<>();
        tx.executeWithoutResult(s -> {
            for (Indexed e : batch) {
                jdbc.sql("INSERT INTO events VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
                        .params(e.seq(), e.index(), e.event().getClass().getSimpleName(), MessageJson.write(e.event())).update();
                if (e.event() instanceof BlockSealed b) {
                    String prev = b.height() == 1 ? BlockHash.GENESIS
                            : jdbc.sql("SELECT hash FROM blocks WHERE height = ?").param(b.height() - 1).query(String.class).optional()
                                    .orElseThrow(() -> new IllegalStateException("block " + (b.height() - 1) + " missing before " + b.height()));
                    String hash = BlockHash.of(b, prev);
                    int inserted = jdbc.sql("INSERT INTO blocks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                            .params(b.height(), b.firstSeq(), b.lastSeq(), b.commandCount(), b.eventCount(), b.stateRoot(),
                                    b.commandsRoot(), b.eventsRoot(), prev, hash, b.timestampMs()).update();
                    if (inserted == 1) sealed.add(header(b, prev, hash));
                }
            }
        });
        for (Map<String, Object> h : sealed) {
            producer.send(new ProducerRecord<>(Topics.BLOCKS, String.valueOf(h.get("height")), MessageJson.write(h)));
        }
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

    @Override
    public void close() {
        producer.close();
    }
}
