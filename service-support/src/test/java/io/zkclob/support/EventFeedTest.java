package io.zkclob.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkclob.contracts.Event;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.support.EventFeed.Indexed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

/** Where a restarted feed reads from: the projection's durable position, whatever Kafka's group offset says. */
class EventFeedTest {
    /** A projection whose database committed up to offset {@code next}; records what it is handed. */
    static final class Recorder implements EventFeed.Projection {
        long next;
        final List<Long> seqs = new ArrayList<>();

        Recorder(long next) {
            this.next = next;
        }

        @Override
        public long nextOffset() {
            return next;
        }

        @Override
        public void apply(List<Indexed> batch, long nextOffset) {
            batch.forEach(e -> seqs.add(e.seq()));
            next = nextOffset;
        }
    }

    /** Ten events at offsets 0..9 (event seq = offset); Kafka's group offset says 8 were consumed. */
    private static MockConsumer<String, String> logWithGroupAt8() {
        MockConsumer<String, String> c = new MockConsumer<>("earliest");
        c.updateBeginningOffsets(Map.of(EventFeed.EVENTS, 0L));
        c.updateEndOffsets(Map.of(EventFeed.EVENTS, 10L));
        c.commitSync(Map.of(EventFeed.EVENTS, new OffsetAndMetadata(8)));
        return c;
    }

    private static void append(MockConsumer<String, String> c) {
        for (long o = 0; o < 10; o++) {
            c.addRecord(new ConsumerRecord<>(EventFeed.EVENTS.topic(), 0, o, o + ":0",
                    MessageJson.write(new Event.AssetAdded(o, (int) o + 1, "A" + o, 8))));
        }
    }

    @Test
    void aProjectionBehindTheGroupOffsetRereadsFromItsOwnWatermark() {
        // given: the database lost its last commits (it applied offsets 0..4), Kafka's commit says 8
        MockConsumer<String, String> c = logWithGroupAt8();
        Recorder projection = new Recorder(5);
        EventFeed feed = new EventFeed("unused:9092", "orders", projection);
        // when
        feed.resume(c);
        append(c);
        feed.pollOnce(c);
        // then: offsets 5..9 are applied, none skipped, and the new position is stored with them
        assertEquals(List.of(5L, 6L, 7L, 8L, 9L), projection.seqs);
        assertEquals(10, projection.next);
    }

    @Test
    void aFreshProjectionReadsFromTheBeginning() {
        MockConsumer<String, String> c = logWithGroupAt8();
        Recorder projection = new Recorder(0);
        EventFeed feed = new EventFeed("unused:9092", "orders", projection);
        feed.resume(c);
        append(c);
        feed.pollOnce(c);
        assertEquals(10, projection.seqs.size());
    }

    @Test
    void aFeedWithoutDurableStateFollowsTheGroupOffset() {
        MockConsumer<String, String> c = logWithGroupAt8();
        List<Long> seen = new ArrayList<>();
        EventFeed feed = new EventFeed("unused:9092", "stream", batch -> batch.forEach(e -> seen.add(e.seq())));
        feed.resume(c);
        c.commitSync(Map.of(EventFeed.EVENTS, new OffsetAndMetadata(8))); // MockConsumer keeps commits of assigned partitions
        append(c);
        feed.pollOnce(c);
        assertEquals(List.of(8L, 9L), seen);
    }
}
