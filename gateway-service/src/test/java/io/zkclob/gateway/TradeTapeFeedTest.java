package io.zkclob.gateway;

import static io.zkclob.support.KafkaBroker.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkclob.contracts.Event.TradeExecuted;
import io.zkclob.contracts.Side;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The trade tape's feed as the gateway runs it (Spring Kafka container, real broker, real PostgreSQL with the
 * gateway's migrations): a poison record is parked with its reason and the tape goes on, a redelivered batch counts
 * no trade twice, a restart resumes at the database's position whatever Kafka's group offset says. The tests share
 * one broker; each starts its fresh tape at the log's end.
 */
class TradeTapeFeedTest {
    private static final String DLT = Topics.EVENTS + Topics.DEAD_LETTER_SUFFIX;
    /** PostgreSQL and a broker per class; the migrations applied afresh before each test. */
    @RegisterExtension
    static final ProjectionStores stores = ProjectionStores.withKafka("db/migration/gateway");
    private DataSource ds;
    private KafkaBroker kafka;
    private JdbcClient jdbc;
    private TradeTape tape;
    private long seq;

    @BeforeEach
    void freshTapeAtTheLogsEnd() {
        ds = stores.dataSource();
        kafka = stores.kafka();
        jdbc = JdbcClient.create(ds);
        tape = new TradeTape(jdbc, new TransactionTemplate(new DataSourceTransactionManager(ds)));
        jdbc.sql("INSERT INTO trade_tape_position VALUES (1, ?, -1, -1)").param(kafka.endOffset(Topics.EVENTS)).update();
        seq = 1;
    }

    private long trade() {
        long s = seq++;
        return kafka.send(Topics.EVENTS, s + ":0", MessageJson.write(new TradeExecuted(s, 1, 100 + s, 7, s, 8, Side.BUY,
                3_000_000_000L, 10_000_000L, 300_000_000L, 1, 2, 0, 0)));
    }

    private EventFeed feed() {
        EventFeed feed = new EventFeed(kafka.bootstrap(), "gateway-trade-tape", tape);
        feed.start();
        return feed;
    }

    private void awaitApplied(EventFeed feed) {
        long end = kafka.endOffset(Topics.EVENTS);
        try {
            await("the tape stored position " + end, () -> tape.nextOffset() == end);
        } finally {
            feed.stop();
        }
    }

    private long tradesInCandles() {
        return jdbc.sql("SELECT COALESCE(SUM(trades), 0) FROM candles WHERE interval_ms = 60000").query(Long.class).single();
    }

    @Test
    void aPoisonRecordIsParkedWithItsReasonAndTheTapeGoesOnWithTheNextTrade() {
        long parkedBefore = kafka.endOffset(DLT);
        trade();
        long poison = kafka.send(Topics.EVENTS, seq++ + ":0", "[]");
        trade();
        EventFeed feed = feed();
        awaitApplied(feed);
        assertEquals(2, tape.recent(1, null, 10).size());
        assertEquals(1, feed.parked());
        List<ConsumerRecord<String, String>> parked = kafka.read(DLT, parkedBefore);
        assertEquals(1, parked.size());
        String reason = new String(parked.get(0).headers().lastHeader(LogFollower.REASON_HEADER).value(), StandardCharsets.UTF_8);
        assertTrue(reason.startsWith("not an event at exchange.events@" + poison), reason);
    }

    @Test
    void aRedeliveredBatchCountsNoTradeTwice() {
        trade();
        trade();
        awaitApplied(feed());
        jdbc.sql("UPDATE trade_tape_position SET next_offset = next_offset - 2").update(); // both again
        trade();
        awaitApplied(feed());
        assertEquals(3, tape.recent(1, null, 10).size());
        assertEquals(3, tradesInCandles());
    }

    @Test
    void aRestartResumesAtTheDatabasesPositionEvenWhenKafkasGroupOffsetIsAhead() {
        trade();
        awaitApplied(feed());
        trade();
        trade();
        kafka.commit("gateway-trade-tape", Topics.EVENTS, kafka.endOffset(Topics.EVENTS));
        awaitApplied(feed());
        assertEquals(3, tape.recent(1, null, 10).size());
    }
}
