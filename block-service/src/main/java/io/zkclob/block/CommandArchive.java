package io.zkclob.block;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.support.LogFollower;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps every sequenced command (seq, type, JSON with its seq and timestamp) so a block lists its commands.
 * Each poll is stored in one transaction with the offset after it, and a restart starts there: the database,
 * not Kafka's group offset, says how far the archive got. It follows the log in a Spring Kafka listener container
 * ({@link LogFollower}: transient failures retried with back-off, group commits a hint only). Nothing here is a
 * poison record: the command log takes what the gateways append, and a record that is not a command is archived
 * as {@code Malformed}, as the engine skipped it, so a block still lists every offset of its range.
 */
final class CommandArchive extends LogFollower {
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final JdbcTemplate batches;

    CommandArchive(String bootstrap, JdbcClient jdbc, JdbcTemplate batches, TransactionTemplate tx) {
        super(bootstrap, Topics.COMMANDS, "blocks-commands", false);
        this.jdbc = jdbc;
        this.batches = batches;
        this.tx = tx;
    }

    @Override
    protected long nextOffset() {
        return jdbc.sql("SELECT next_offset FROM feed_position WHERE feed = 'commands'").query(Long.class).single();
    }

    @Override
    protected void onBatch(List<ConsumerRecord<String, byte[]>> records, long nextOffset) {
        store(records, nextOffset);
    }

    @Override
    protected void skipTo(long nextOffset) {
        store(List.of(), nextOffset);
    }

    void store(List<ConsumerRecord<String, byte[]>> records, long nextOffset) {
        tx.executeWithoutResult(s -> {
            List<Object[]> rows = new java.util.ArrayList<>(records.size()); // at most max.poll.records (LogFollower.MAX_POLL_RECORDS)
            for (ConsumerRecord<String, byte[]> r : records) {
                String type;
                String body;
                try {
                    Command cmd = MessageJson.readCommand(r.value()).sequenced(r.offset(), r.timestamp());
                    type = cmd.getClass().getSimpleName();
                    body = MessageJson.write(cmd);
                } catch (RuntimeException e) {
                    type = "Malformed";
                    body = MessageJson.write(java.util.Map.of("seq", r.offset(), "raw",
                            r.value() == null ? "null" : new String(r.value(), StandardCharsets.UTF_8)));
                }
                rows.add(new Object[] {r.offset(), type, body});
            }
            // One JDBC batch per poll (multi-row with the driver's batched-insert rewrite), not a statement per command.
            if (!rows.isEmpty()) batches.batchUpdate("INSERT INTO commands VALUES (?, ?, ?) ON CONFLICT DO NOTHING", rows);
            jdbc.sql("UPDATE feed_position SET next_offset = GREATEST(next_offset, ?) WHERE feed = 'commands'").param(nextOffset).update();
        });
    }
}
