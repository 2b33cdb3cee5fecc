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
 * Follows the engine's event log (committed transactions only) and hands batches to a {@link Projection} that
 * applies them idempotently (each projection keeps its watermark of (seq, index) in its database, in the same
 * transaction as its writes), so a redelivery changes nothing.
 *
 * <p>Where to start reading is the projection's own durable state, never Kafka's group offset: the projection
 * stores the offset after its last applied record with its writes, and the feed seeks there on every start.
 * If the database lost its last commits (a crash before they were durable) while Kafka kept the group's
 * commit, following the group offset would skip those events forever. Kafka offsets are still committed, as a
 * hint for lag tools only.
 */
public final class EventFeed extends ConsumerWorker {
    /**
     * One event at its place in the log; {@code logTimeMs} is its Kafka record's timestamp (when the engine logged
     * it), for read models that show times (trades, candles). It is never part of the state: -1 where unknown.
     */
    public record Indexed(long seq, int index, Event event, long logTimeMs) {
        public Indexed(long seq, int index, Event event) {
            this(seq, index, event, -1);
        }
    }

    /** A consumer of the event log that owns its position: what it has applied and where to read next. */
    public interface Projection {
        /**
         * The offset in exchange.events of the first record not yet applied, as the projection's database last
         * committed it (0 for a fresh one); negative: the projection keeps no position (in memory), so the group's
         * committed offset (or the log's beginning) is used.
         */
        long nextOffset();

        /** Applies the batch (skipping what is at or below its watermark) and stores {@code nextOffset} with it. */
        void apply(List<Indexed> batch, long nextOffset);
    }

    static final TopicPartition EVENTS = new TopicPartition(Topics.EVENTS, 0);
    private final String bootstrap;
    private final String group;
    private final Projection projection;
    private final AtomicLong lastSeq = new AtomicLong(-1);
    private final AtomicLong lag = new AtomicLong();

    public EventFeed(String bootstrap, String group, Projection projection) {
        super(group + "-events", 1_000);
        this.bootstrap = bootstrap;
        this.group = group;
        this.projection = projection;
    }

    /** A projection without durable state (rebuilt in memory): it follows the group's committed offset. */
    public EventFeed(String bootstrap, String group, Consumer<List<Indexed>> handler) {
        this(bootstrap, group, new Projection() {
            @Override
            public long nextOffset() {
                return -1;
            }

            @Override
            public void apply(List<Indexed> batch, long nextOffset) {
                handler.accept(batch);
            }
        });
    }

    public long lastSeq() {
        return lastSeq.get();
    }

    public AtomicLong lag() {
        return lag;
    }

    @Override
    protected void work(KafkaConsumer<String, String> c) {
        resume(c);
        while (running()) pollOnce(c);
    }

    /** Takes the log's only partition and seeks to where the projection's database says it stopped. */
    void resume(org.apache.kafka.clients.consumer.Consumer<String, String> c) {
        // assign, not subscribe: the position is ours, so there is no group rebalance that could move it.
        c.assign(List.of(EVENTS));
        long next = projection.nextOffset();
        if (next >= 0) c.seek(EVENTS, next);
    }

    /** One poll: at most max.poll.records events, applied in one call with the position after them. */
    void pollOnce(org.apache.kafka.clients.consumer.Consumer<String, String> c) {
        var records = c.poll(Duration.ofMillis(100));
        if (records.isEmpty()) {
            updateLag(c);
            return;
        }
        List<Indexed> batch = new ArrayList<>(records.count());
        for (ConsumerRecord<String, String> r : records) {
            String key = r.key();
            int colon = key.indexOf(':');
            batch.add(new Indexed(Long.parseLong(key.substring(0, colon)),
                    Integer.parseInt(key.substring(colon + 1)), MessageJson.readEvent(r.value()), r.timestamp()));
        }
        // The position, not last offset + 1: read_committed skips transaction markers, which have offsets too.
        projection.apply(batch, c.position(EVENTS));
        lastSeq.set(batch.get(batch.size() - 1).seq());
        c.commitAsync(); // a hint for lag tools; a failed commit changes nothing here
        updateLag(c);
    }

    private void updateLag(org.apache.kafka.clients.consumer.Consumer<String, String> c) {
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
