package io.zkclob.ledger;

import static io.zkclob.support.KafkaBroker.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.AssetAdded;
import io.zkclob.contracts.Event.Deposited;
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
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The ledger's event feed as the service runs it (Spring Kafka container, real broker, real PostgreSQL with the real
 * migrations): a poison record is parked with its reason and the ledger goes on, a redelivered batch changes nothing,
 * a restart resumes at the database's position whatever Kafka's group offset says, a failing database is waited
 * for. The tests share one broker; each starts its fresh ledger at the log's end.
 */
class LedgerFeedTest {
    private static final String DLT = Topics.EVENTS + Topics.DEAD_LETTER_SUFFIX;
    /** PostgreSQL and a broker per class; the migrations applied afresh before each test. */
    @RegisterExtension
    static final ProjectionStores stores = ProjectionStores.withKafka("db/migration/ledger");
    private DataSource ds;
    private KafkaBroker kafka;
    private JdbcClient jdbc;
    private LedgerWriter writer;
    private long seq;

    @BeforeEach
    void freshLedgerAtTheLogsEnd() {
        ds = stores.dataSource();
        kafka = stores.kafka();
        jdbc = JdbcClient.create(ds);
        writer = new LedgerWriter(new JdbcTemplate(ds), jdbc, new TransactionTemplate(new DataSourceTransactionManager(ds)));
        jdbc.sql("UPDATE watermark SET next_offset = ?").param(kafka.endOffset(Topics.EVENTS)).update();
        seq = 0;
        append(new AssetAdded(seq, 2, "USDT", 6));
    }

    private long append(Event e) {
        long offset = kafka.send(Topics.EVENTS, e.seq() + ":0", MessageJson.write(e));
        seq = e.seq() + 1;
        return offset;
    }

    private long deposit(long amount) {
        return append(new Deposited(seq, 42, 2, amount, seq));
    }

    private EventFeed feed() {
        EventFeed feed = new EventFeed(kafka.bootstrap(), "ledger", writer);
        feed.start();
        return feed;
    }

    private void awaitApplied(EventFeed feed) {
        long end = kafka.endOffset(Topics.EVENTS);
        try {
            await("the ledger stored position " + end, () -> writer.nextOffset() == end);
        } finally {
            feed.stop();
        }
    }

    private long balance() {
        return jdbc.sql("SELECT available FROM balances WHERE account_id = 42 AND asset_id = 2").query(Long.class).single();
    }

    private long journalLegs() {
        return jdbc.sql("SELECT COUNT(*) FROM journal").query(Long.class).single();
    }

    @Test
    void aPoisonRecordIsParkedWithItsReasonAndTheLedgerGoesOnWithTheNextEvent() {
        long parkedBefore = kafka.endOffset(DLT);
        deposit(100);
        long poison = kafka.send(Topics.EVENTS, seq++ + ":0", "{\"type\":\"Deposited\",\"seq\":"); // cut short
        deposit(20);
        EventFeed feed = feed();
        awaitApplied(feed);
        assertEquals(120, balance(), "the deposits on both sides of the poison record");
        assertEquals(1, feed.parked());
        List<ConsumerRecord<String, String>> parked = kafka.read(DLT, parkedBefore);
        assertEquals(1, parked.size());
        String reason = new String(parked.get(0).headers().lastHeader(LogFollower.REASON_HEADER).value(), StandardCharsets.UTF_8);
        assertTrue(reason.startsWith("not an event at exchange.events@" + poison), reason);
    }

    @Test
    void aRedeliveredBatchChangesNothing() {
        deposit(100);
        deposit(20);
        awaitApplied(feed());
        long legs = journalLegs();
        // The position goes back (as after a crash between the database's commit and anything later): all again.
        jdbc.sql("UPDATE watermark SET next_offset = next_offset - 3").update();
        deposit(3);
        awaitApplied(feed());
        assertEquals(123, balance());
        assertEquals(legs + 1, journalLegs(), "only the new deposit's leg");
    }

    @Test
    void aRestartResumesAtTheDatabasesPositionEvenWhenKafkasGroupOffsetIsAhead() {
        deposit(100);
        awaitApplied(feed());
        // While the ledger is down: two more deposits, and Kafka's group offset says they were consumed (a database
        // that lost its last commits in a crash while the group commit survived).
        deposit(20);
        deposit(3);
        kafka.commit("ledger", Topics.EVENTS, kafka.endOffset(Topics.EVENTS));
        awaitApplied(feed());
        assertEquals(123, balance());
    }

    @Test
    void aFailingDatabaseIsWaitedForNothingIsParkedOrSkipped() {
        long parkedBefore = kafka.endOffset(DLT);
        deposit(100);
        awaitApplied(feed());
        jdbc.sql("ALTER TABLE journal RENAME TO journal_away").update(); // every batch fails from here
        long failing = deposit(20);
        deposit(3);
        EventFeed feed = feed();
        try {
            await("the deposit's batch failed twice", () -> feed.batchFailures() >= 2);
            assertEquals(failing, writer.nextOffset(), "nothing applied while the database fails");
        } finally {
            jdbc.sql("ALTER TABLE journal_away RENAME TO journal").update();
        }
        awaitApplied(feed);
        assertEquals(123, balance());
        assertEquals(0, feed.parked());
        assertEquals(parkedBefore, kafka.endOffset(DLT));
    }
}
