package io.zkclob.block;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.support.ConsumerWorker;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps every sequenced command (seq, type, JSON with its seq and timestamp) so a block lists its commands.
 * Each poll is stored in one transaction with the offset after it, and a restart seeks there: the database,
 * not Kafka's group offset, says how far the archive got.
 */
final class CommandArchive extends ConsumerWorker {
    private static final TopicPartition LOG = new TopicPartition(Topics.COMMANDS, 0);
    private final String bootstrap;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final JdbcTemplate batches;

    CommandArchive(String bootstrap, JdbcClient jdbc, JdbcTemplate batches, TransactionTemplate tx) {
        super("blocks-commands", 1_000);
        this.bootstrap = bootstrap;
        this.jdbc = jdbc;
        this.batches = batches;
        this.tx = tx;
    }

    @Override
    protected Properties consumerProps() {
        Properties p = ConsumerWorker.consumerProps(bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "blocks-commands");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1_000);
        return p;
    }

    long nextOffset() {
        return jdbc.sql("SELECT next_offset FROM feed_position WHERE feed = 'commands'").query(Long.class).single();
    }

    @Override
    protected void work(KafkaConsumer<String, String> c) {
        c.assign(List.of(LOG));
        c.seek(LOG, nextOffset());
        long lastCommitNanos = 0;
        while (running()) {
            var records = c.poll(Duration.ofMillis(200));
            if (records.isEmpty()) continue;
            store(records, c.position(LOG));
            // A hint for lag tools only, so once a second at most: each commit is a write (and a forced flush) on the
            // broker, and while Kafka is down each failure would log a line.
            if (System.nanoTime() - lastCommitNanos >= 1_000_000_000L) {
                lastCommitNanos = System.nanoTime();
                c.commitAsync((offsets, error) -> { });
            }
        }
    }

    void store(ConsumerRecords<String, String> records, long nextOffset) {
        tx.executeWithoutResult(s -> {
            List<Object[]> rows = new java.util.ArrayList<>(records.count()); // at most max.poll.records (1,000)
            for (ConsumerRecord<String, String> r : records) {
                String type;
                String body;
                try {
                    Command cmd = MessageJson.readCommand(r.value()).sequenced(r.offset(), r.timestamp());
                    type = cmd.getClass().getSimpleName();
                    body = MessageJson.write(cmd);
                } catch (RuntimeException e) {
                    type = "Malformed";
                    body = MessageJson.write(java.util.Map.of("seq", r.offset(), "raw", r.value()));
                }
                rows.add(new Object[] {r.offset(), type, body});
            }
            // One JDBC batch per poll (multi-row with the driver's batched-insert rewrite), not a statement per command.
            batches.batchUpdate("INSERT INTO commands VALUES (?, ?, ?) ON CONFLICT DO NOTHING", rows);
            jdbc.sql("UPDATE feed_position SET next_offset = GREATEST(next_offset, ?) WHERE feed = 'commands'").param(nextOffset).update();
        });
    }
}
