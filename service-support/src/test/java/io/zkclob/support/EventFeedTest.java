package io.zkclob.support;

import static io.zkclob.support.KafkaBroker.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkclob.contracts.Event;
import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.support.EventFeed.Indexed;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * The event feed in its Spring Kafka container on a real broker: where it starts (the projection's durable position,
 * whatever Kafka's group offset says), what it does with a record that is not an event (parks it, goes on) and with
 * a projection that fails (retries, parks nothing, skips nothing). Tests share one broker, each on its own offsets.
 */
class EventFeedTest {
    private static KafkaBroker kafka;

    @BeforeAll
    static void startKafka() {
        kafka = KafkaBroker.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    /** A projection whose database committed up to offset {@code next}; records what it is handed. */
    static class Recorder implements EventFeed.Projection {
        volatile long next;
        final List<Long> seqs = Collections.synchronizedList(new ArrayList<>());

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

    /** Appends events with seqs {@code from..to-1} (key "seq:0"); answers the offset of the first. */
    private static long appendEvents(long from, long to) {
        long first = -1;
        for (long s = from; s < to; s++) {
            long o = kafka.send(Topics.EVENTS, s + ":0", MessageJson.write(new Event.AssetAdded(s, (int) s + 1, "A" + s, 8)));
            if (first < 0) first = o;
        }
        return first;
    }

    @Test
    void aProjectionBehindTheGroupOffsetRereadsFromItsOwnWatermark() {
        // given: ten events; the database applied the first five, Kafka's group commit says eight
        long base = appendEvents(0, 10);
        kafka.commit("behind", Topics.EVENTS, base + 8);
        Recorder projection = new Recorder(base + 5);
        EventFeed feed = new EventFeed(kafka.bootstrap(), "behind", projection);
        // when
        feed.start();
        try {
            await("the feed reaches the end of the log", () -> projection.next == base + 10);
        } finally {
            feed.stop();
        }
        // then: 5..9 applied, none skipped
        assertEquals(List.of(5L, 6L, 7L, 8L, 9L), projection.seqs);
    }

    @Test
    void aFeedWithoutDurableStateFollowsTheGroupOffset() {
        long base = appendEvents(100, 110);
        kafka.commit("in-memory", Topics.EVENTS, base + 8);
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        EventFeed feed = new EventFeed(kafka.bootstrap(), "in-memory", batch -> batch.forEach(e -> seen.add(e.seq())));
        feed.start();
        try {
            await("two events seen", () -> seen.size() >= 2);
        } finally {
            feed.stop();
        }
        assertEquals(List.of(108L, 109L), seen);
    }

    @Test
    void aRecordThatIsNotAnEventIsParkedWithItsReasonAndTheFeedGoesOn() {
        long parkedBefore = kafka.endOffset(Topics.EVENTS + Topics.DEAD_LETTER_SUFFIX);
        long base = appendEvents(200, 202);
        long poison = kafka.send(Topics.EVENTS, "202:0", "{\"type\":\"NoSuchEvent\"}");
        appendEvents(203, 205);
        Recorder projection = new Recorder(base);
        EventFeed feed = new EventFeed(kafka.bootstrap(), "poison", projection);
        feed.start();
        try {
            await("the feed reaches the end of the log", () -> projection.next == poison + 3);
        } finally {
            feed.stop();
        }
        assertEquals(List.of(200L, 201L, 203L, 204L), projection.seqs);
        assertEquals(1, feed.parked());
        List<ConsumerRecord<String, String>> parked = kafka.read(Topics.EVENTS + Topics.DEAD_LETTER_SUFFIX, parkedBefore);
        assertEquals(1, parked.size(), "parked once, not once per attempt");
        ConsumerRecord<String, String> r = parked.get(0);
        assertEquals("{\"type\":\"NoSuchEvent\"}", r.value());
        assertEquals("202:0", r.key());
        String reason = new String(r.headers().lastHeader(LogFollower.REASON_HEADER).value(), StandardCharsets.UTF_8);
        assertTrue(reason.startsWith("not an event at exchange.events@" + poison), reason);
        assertEquals(poison, java.nio.ByteBuffer.wrap(r.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET).value()).getLong());
    }

    @Test
    void aFailingProjectionIsRetriedUntilItWorksAndNothingIsParkedOrSkipped() {
        long parkedBefore = kafka.endOffset(Topics.EVENTS + Topics.DEAD_LETTER_SUFFIX);
        long base = appendEvents(300, 305);
        AtomicInteger failuresLeft = new AtomicInteger(4); // as a database that is down for four attempts
        Recorder projection = new Recorder(base) {
            @Override
            public void apply(List<Indexed> batch, long nextOffset) {
                if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw new IllegalStateException("database down");
                super.apply(batch, nextOffset);
            }
        };
        EventFeed feed = new EventFeed(kafka.bootstrap(), "transient", projection);
        feed.start();
        try {
            await("the feed reaches the end of the log", () -> projection.next == base + 5);
        } finally {
            feed.stop();
        }
        assertEquals(List.of(300L, 301L, 302L, 303L, 304L), projection.seqs);
        assertEquals(0, feed.parked());
        assertEquals(parkedBefore, kafka.endOffset(Topics.EVENTS + Topics.DEAD_LETTER_SUFFIX));
    }

    @Test
    void inAnApplicationTheFeedStartsWithItAndItsBatchesAreTimedInItsMeterRegistry() {
        long base = appendEvents(400, 403);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Recorder projection = new Recorder(base);
        try (GenericApplicationContext app = new GenericApplicationContext()) {
            app.registerBean(MeterRegistry.class, () -> meters);
            app.registerBean("feed", EventFeed.class, () -> new EventFeed(kafka.bootstrap(), "metered", projection));
            app.refresh(); // starts the feed, as the services' contexts do
            await("the feed reaches the end of the log", () -> projection.next == base + 3);
            await("the batch is timed", () -> {
                Timer batches = meters.find("spring.kafka.listener").tag("name", "metered-exchange-events").timer();
                return batches != null && batches.count() >= 1;
            });
            assertEquals(0, meters.get("feed.records.parked").tag("group", "metered").counter().count());
        }
        assertEquals(List.of(400L, 401L, 402L), projection.seqs);
    }
}
