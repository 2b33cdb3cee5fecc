package io.zkclob.support;

import io.zkclob.contracts.Event;
import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows the engine's event log (committed transactions only) and hands batches to a handler that applies
 * them idempotently (each consumer keeps its own watermark of (seq, index) in its database, in the same
 * transaction as its writes), so a redelivery changes nothing. Kafka offsets are committed after the handler
 * returns, only to shorten the re-read after a restart.
 */
public final class EventFeed extends ConsumerWorker {
    public record Indexed(long seq, int index, Event event) {}

    private static final TopicPartition EVENTS = new TopicPartition(Topics.EVENTS, 0);
    private final String bootstrap;
    private final String group;
    private final Consumer<List<Indexed>> handler;
    private final AtomicLong lastSeq = new AtomicLong(-1);
    private final AtomicLong lag = new AtomicLong();

    public EventFeed(String bootstrap, String group, Consumer<List<Indexed>> handler) {
        super(group + "-events", 1_000);
        this.bootstrap = bootstrap;
        this.group = group;
        this.handler = handler;
    }

    public long lastSeq() {
        return lastSeq.get();
    }

    public AtomicLong lag() {
        return lag;
    }

    @Override
    protected void work(KafkaConsumer<String, String> c) {
        c.subscribe(List.of(Topics.EVENTS));
        while (running()) {
            var records = c.poll(Duration.ofMillis(100));
            if (records.isEmpty()) {
                updateLag(c);
                continue;
            }
            List<Indexed> batch = new ArrayList<>(records.count());
            for (ConsumerRecord<String, String> r : records) {
                String key = r.key();
                int colon = key.indexOf(':');
                batch.add(new Indexed(Long.parseLong(key.substring(0, colon)),
                        Integer.parseInt(key.substring(colon + 1)), MessageJson.readEvent(r.value())));
            }
            handler.accept(batch);
            lastSeq.set(batch.get(batch.size() - 1).seq());
            c.commitSync();
            updateLag(c);
        }
    }

    private void updateLag(KafkaConsumer<String, String> c) {
        if (c.assignment().contains(EVENTS)) {
            Long end = c.endOffsets(List.of(EVENTS)).get(EVENTS);
            lag.set(end == null ? 0 : Math.max(0, end - c.position(EVENTS)));
        }
    }

    @Override
    protected Properties consumerProps() {
        Properties p = ConsumerWorker.consumerProps(bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1_000);
        return p;
    }
}
