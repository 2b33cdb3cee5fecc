package io.zkclob.support;

import io.zkclob.contracts.Event;
import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Follows the engine's event log (committed transactions only) in a Spring Kafka listener container
 * ({@link LogFollower}) and hands batches to a {@link Projection} that applies them idempotently (each projection
 * keeps its watermark of (seq, index) in its database, in the same transaction as its writes), so a redelivery
 * changes nothing.
 *
 * <p>Where to start reading is the projection's own durable state, never Kafka's group offset: the projection
 * stores the offset after its last applied record with its writes, and the feed starts there every time.
 *
 * <p>A record that is not an event ("seq:index" key, an {@link Event} as JSON) is parked on
 * {@code exchange.events.DLT} and the feed goes on. That is loud on purpose: the matcher writes only events the
 * engine produced, with the same contracts, so such a record means the log was written by something else (tampered
 * with) or by an engine of another version. The projection then lacks one event the engine applied: its state
 * differs from a replay's until the cause is fixed and the projection is rebuilt (docs/reliability.md).
 */
public final class EventFeed extends LogFollower {
    /**
     * One event at its place in the log; {@code logTimeMs} is its Kafka record's timestamp (when the engine logged
     * it), for read models that show times (trades, candles). It is never part of the state: -1 where unknown.
     * {@code json}: the record's value (UTF-8 JSON, as the matcher wrote it with {@link MessageJson#write}), null
     * where the event did not come from the log; a consumer that forwards the event (the gateway's execution
     * reports) sends these bytes instead of writing the event again. An array: equality is the array's identity.
     */
    public record Indexed(long seq, int index, Event event, long logTimeMs, byte[] json) {
        public Indexed(long seq, int index, Event event) {
            this(seq, index, event, -1, null);
        }

        public Indexed(long seq, int index, Event event, long logTimeMs) {
            this(seq, index, event, logTimeMs, null);
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

        /**
         * Applies the batch (skipping what is at or below its watermark) and stores {@code nextOffset} with it. The
         * batch may be empty: then only the position moves (past a parked record).
         */
        void apply(List<Indexed> batch, long nextOffset);
    }

    private final Projection projection;

    public EventFeed(String bootstrap, String group, Projection projection) {
        super(bootstrap, Topics.EVENTS, group, true);
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
                if (!batch.isEmpty()) handler.accept(batch);
            }
        });
    }

    @Override
    protected long nextOffset() {
        return projection.nextOffset();
    }

    @Override
    protected void onBatch(List<ConsumerRecord<String, byte[]>> records, long nextOffset) {
        List<Indexed> batch = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, byte[]> r = records.get(i);
            Indexed e;
            try {
                e = read(r);
            } catch (RuntimeException unreadable) {
                if (!batch.isEmpty()) projection.apply(batch, r.offset()); // those before it, then park it
                throw new LogFollower.PoisonRecord(i, "not an event at " + r.topic() + "@" + r.offset() + " (key "
                        + abbreviate(r.key()) + "): " + unreadable, unreadable);
            }
            batch.add(e);
        }
        projection.apply(batch, nextOffset);
    }

    @Override
    protected void skipTo(long nextOffset) {
        projection.apply(List.of(), nextOffset);
    }

    static Indexed read(ConsumerRecord<String, byte[]> r) {
        String key = r.key();
        int colon = key.indexOf(':');
        if (colon < 0) throw new IllegalArgumentException("key is not seq:index");
        return new Indexed(Long.parseLong(key, 0, colon, 10), Integer.parseInt(key, colon + 1, key.length(), 10),
                MessageJson.readEvent(r.value()), r.timestamp(), r.value());
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
