package io.zkclob.order;

import static io.zkclob.support.KafkaBroker.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.OrderAccepted;
import io.zkclob.contracts.Event.TradeExecuted;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import io.zkclob.contracts.Topics;
import io.zkclob.contracts.json.MessageJson;
import io.zkclob.support.EventFeed;
import io.zkclob.support.KafkaBroker;
import io.zkclob.support.ProjectionStores;
import io.zkclob.support.LogFollower;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The order store's event feed as the service runs it (Spring Kafka container, real broker, real PostgreSQL with the
 * real migrations, the real command-log reader): a poison record is parked with its reason and the store goes on, a
 * redelivered batch fills nothing twice, a restart resumes at the database's position whatever Kafka's group offset
 * says. The tests share one broker; each starts its fresh store at the log's end.
 */
class OrderFeedTest {
    private static final String DLT = Topics.EVENTS + Topics.DEAD_LETTER_SUFFIX;
    /** PostgreSQL and a broker per class; the migrations applied afresh before each test. */
    @RegisterExtension
    static final ProjectionStores stores = ProjectionStores.withKafka("db/migration/order");
    private DataSource ds;
    private KafkaBroker kafka;
    private JdbcClient jdbc;
    private CommandLogReader commands;
    private OrderProjector projector;
    private long seq;

    @BeforeEach
    void freshStoreAtTheLogsEnd() {
        ds = stores.dataSource();
        kafka = stores.kafka();
        jdbc = JdbcClient.create(ds);
        commands = new CommandLogReader(kafka.bootstrap());
        projector = new OrderProjector(jdbc, new TransactionTemplate(new DataSourceTransactionManager(ds)), commands);
        jdbc.sql("UPDATE watermark SET next_offset = ?").param(kafka.endOffset(Topics.EVENTS)).update();
        seq = 1;
    }

    @AfterEach
    void closeReader() {
        commands.close();
    }

    private long append(Event e) {
        long offset = kafka.send(Topics.EVENTS, e.seq() + ":0", MessageJson.write(e));
        seq = e.seq() + 1;
        return offset;
    }

    /** A resting buy of 100 lots at 10, its order id its seq. */
    private long place() {
        long id = seq;
        append(new OrderAccepted(id, id, 42, 1, id, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 10, 100, 0, 2, 1_000));
        return id;
    }

    /** A sell taking {@code qty} of the resting order. */
    private void fill(long orderId, long qty) {
        append(new TradeExecuted(seq, 1, orderId, 42, 1_000_000 + seq, 43, Side.SELL, 10, qty, 10 * qty, 0, 0, 0, 0));
    }

    private EventFeed feed() {
        EventFeed feed = new EventFeed(kafka.bootstrap(), "orders", projector);
        feed.start();
        return feed;
    }

    private void awaitApplied(EventFeed feed) {
        long end = kafka.endOffset(Topics.EVENTS);
        try {
            await("the order store stored position " + end, () -> projector.nextOffset() == end);
        } finally {
            feed.stop();
        }
    }

    private long filledQty(long orderId) {
        return jdbc.sql("SELECT filled_qty FROM orders WHERE order_id = ?").param(orderId).query(Long.class).single();
    }

    @Test
    void aPoisonRecordIsParkedWithItsReasonAndTheStoreGoesOnWithTheNextEvent() {
        long parkedBefore = kafka.endOffset(DLT);
        long order = place();
        long poison = kafka.send(Topics.EVENTS, "garbage", MessageJson.write(new Event.AssetAdded(seq++, 9, "X", 1)));
        fill(order, 30);
        EventFeed feed = feed();
        awaitApplied(feed);
        assertEquals(30, filledQty(order), "the fill after the poison record");
        assertEquals(1, feed.parked());
        List<ConsumerRecord<String, String>> parked = kafka.read(DLT, parkedBefore);
        assertEquals(1, parked.size());
        String reason = new String(parked.get(0).headers().lastHeader(LogFollower.REASON_HEADER).value(), StandardCharsets.UTF_8);
        assertTrue(reason.startsWith("not an event at exchange.events@" + poison + " (key garbage)"), reason);
    }

    @Test
    void aRedeliveredBatchFillsNothingTwice() {
        long order = place();
        fill(order, 30);
        fill(order, 20);
        awaitApplied(feed());
        // The position goes back (as after a crash between the database's commit and anything later): all again.
        jdbc.sql("UPDATE watermark SET next_offset = next_offset - 3").update();
        fill(order, 5);
        awaitApplied(feed());
        assertEquals(55, filledQty(order));
        assertEquals(3, jdbc.sql("SELECT COUNT(*) FROM fills WHERE order_id = ?").param(order).query(Long.class).single());
    }

    @Test
    void aRestartResumesAtTheDatabasesPositionEvenWhenKafkasGroupOffsetIsAhead() {
        long order = place();
        awaitApplied(feed());
        // While the store is down: a fill and a second order, and Kafka's group offset says they were consumed (a
        // database that lost its last commits in a crash while the group commit survived).
        fill(order, 40);
        long second = place();
        kafka.commit("orders", Topics.EVENTS, kafka.endOffset(Topics.EVENTS));
        awaitApplied(feed());
        assertEquals(40, filledQty(order));
        assertEquals("OPEN", jdbc.sql("SELECT status FROM orders WHERE order_id = ?").param(second).query(String.class).single());
    }
}
