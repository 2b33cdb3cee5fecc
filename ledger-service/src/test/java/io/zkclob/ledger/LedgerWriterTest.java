package io.zkclob.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkclob.contracts.Event.AssetAdded;
import io.zkclob.contracts.Event.Deposited;
import io.zkclob.contracts.Event.MarketAdded;
import io.zkclob.contracts.Event.OrderAccepted;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.TimeInForce;
import io.zkclob.contracts.Event.TradeExecuted;
import io.zkclob.contracts.Event.Withdrawn;
import io.zkclob.contracts.Side;
import io.zkclob.support.EventFeed.Indexed;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The ledger's adapter on a real PostgreSQL: its resume position is durable and moves with its writes. */
class LedgerWriterTest {
    private static EmbeddedPostgres pg;
    private static DataSource ds;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = EmbeddedPostgres.start();
        ds = pg.getPostgresDatabase();
    }

    @BeforeEach
    void freshSchema() {
        Flyway flyway = Flyway.configure().dataSource(ds).locations("classpath:db/migration/ledger").cleanDisabled(false).load();
        flyway.clean();
        flyway.migrate();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    @Test
    void aRestartResumesAtTheOffsetCommittedWithTheBalancesAndARedeliveryChangesNothing() {
        JdbcClient client = JdbcClient.create(ds);
        LedgerWriter writer = new LedgerWriter(new JdbcTemplate(ds), client, new TransactionTemplate(new DataSourceTransactionManager(ds)));
        assertEquals(0, writer.nextOffset());
        List<Indexed> batch = List.of(new Indexed(0, 0, new AssetAdded(0, 2, "USDT", 6)),
                new Indexed(1, 0, new Deposited(1, 42, 2, 5_000_000L, 777)));
        writer.apply(batch, 3);
        // a fresh writer (a restarted service) reads the position back from the database
        LedgerWriter restarted = new LedgerWriter(new JdbcTemplate(ds), client, new TransactionTemplate(new DataSourceTransactionManager(ds)));
        assertEquals(3, restarted.nextOffset());
        restarted.apply(batch, 3);
        assertEquals(5_000_000L, client.sql("SELECT available FROM balances WHERE account_id = 42 AND asset_id = 2").query(Long.class).single());
    }

    @Test
    void tradesInOneBatchMoveBalancesAndAddTheirFeesToTheAssetTotals() {
        JdbcClient client = JdbcClient.create(ds);
        LedgerWriter writer = new LedgerWriter(new JdbcTemplate(ds), client, new TransactionTemplate(new DataSourceTransactionManager(ds)));
        writer.apply(List.of(new Indexed(10, 0, new AssetAdded(10, 7, "ETH", 8)), new Indexed(11, 0, new AssetAdded(11, 8, "USDC", 6)),
                new Indexed(12, 0, new MarketAdded(12, 9, "ETH-USDC", 7, 8, 1, 1, 1, 1_000, 2_000)),
                new Indexed(13, 0, new Deposited(13, 51, 8, 2_000, 1)), new Indexed(14, 0, new Deposited(14, 50, 7, 12, 2)),
                new Indexed(15, 0, new OrderAccepted(15, 1, 50, 9, 0, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 100, 12, 0, 7, 12)),
                // two trades of one market in one batch: 3 + 6 and 4 + 8 in fees, all in the quote asset
                new Indexed(16, 0, new OrderAccepted(16, 2, 51, 9, 0, Side.BUY, OrderType.LIMIT, TimeInForce.IOC, 100, 5, 0, 8, 506)),
                new Indexed(16, 1, new TradeExecuted(16, 9, 1, 50, 2, 51, Side.BUY, 100, 5, 500, 3, 6, 0, 0)),
                new Indexed(17, 0, new OrderAccepted(17, 3, 51, 9, 0, Side.BUY, OrderType.LIMIT, TimeInForce.IOC, 100, 7, 0, 8, 708)),
                new Indexed(17, 1, new TradeExecuted(17, 9, 1, 50, 3, 51, Side.BUY, 100, 7, 700, 4, 8, 0, 0))), 18);
        assertEquals(21L, client.sql("SELECT fees FROM asset_totals WHERE asset_id = 8").query(Long.class).single());
        assertEquals(12L, client.sql("SELECT available FROM balances WHERE account_id = 51 AND asset_id = 7").query(Long.class).single());
        assertEquals(21L, client.sql("SELECT SUM(fees) FROM asset_totals").query(Long.class).single());
        assertEquals(1_193L, client.sql("SELECT available FROM balances WHERE account_id = 50 AND asset_id = 8").query(Long.class).single());
    }
    /** Legs are written without a uniqueness check: the watermark alone must keep any split of the log, redelivered, exact. */
    @Test
    void theJournalAndBalancesEndTheSameHoweverTheLogIsSplitAndRedelivered() {
        JdbcClient client = JdbcClient.create(ds);
        List<Indexed> events = List.of(new Indexed(10, 0, new AssetAdded(10, 7, "ETH", 8)), new Indexed(11, 0, new AssetAdded(11, 8, "USDC", 6)),
                new Indexed(12, 0, new MarketAdded(12, 9, "ETH-USDC", 7, 8, 1, 1, 1, 1_000, 2_000)),
                new Indexed(13, 0, new Deposited(13, 51, 8, 2_000, 1)), new Indexed(14, 0, new Deposited(14, 50, 7, 12, 2)),
                new Indexed(15, 0, new OrderAccepted(15, 1, 50, 9, 0, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 100, 12, 0, 7, 12)),
                new Indexed(16, 0, new OrderAccepted(16, 2, 51, 9, 0, Side.BUY, OrderType.LIMIT, TimeInForce.IOC, 100, 5, 0, 8, 506)),
                new Indexed(16, 1, new TradeExecuted(16, 9, 1, 50, 2, 51, Side.BUY, 100, 5, 500, 3, 6, 0, 0)),
                new Indexed(17, 0, new OrderAccepted(17, 3, 51, 9, 0, Side.BUY, OrderType.LIMIT, TimeInForce.IOC, 100, 7, 0, 8, 708)),
                new Indexed(17, 1, new TradeExecuted(17, 9, 1, 50, 3, 51, Side.BUY, 100, 7, 700, 4, 8, 0, 0)),
                new Indexed(18, 0, new Withdrawn(18, 50, 8, 1_000)));
        List<List<String>> first = null;
        for (int split : new int[] {events.size(), 1, 3, 4}) {
            freshSchema();
            LedgerWriter writer = new LedgerWriter(new JdbcTemplate(ds), client, new TransactionTemplate(new DataSourceTransactionManager(ds)));
            for (int from = 0; from < events.size(); from += split) {
                int to = Math.min(events.size(), from + split);
                writer.apply(events.subList(from, to), to);
                writer.apply(events.subList(0, to), to); // a redelivery from the start changes nothing
            }
            List<List<String>> rows = List.of(
                    client.sql("SELECT j::text FROM journal j ORDER BY seq, event_index, leg").query(String.class).list(),
                    client.sql("SELECT b::text FROM balances b ORDER BY account_id, asset_id").query(String.class).list(),
                    client.sql("SELECT t::text FROM asset_totals t ORDER BY asset_id").query(String.class).list());
            if (first == null) first = rows;
            else assertEquals(first, rows, "polls of " + split + " events");
        }
        assertEquals(16, first.get(0).size(), "2 deposits, 3 holds, 2 trades of 5 legs, 1 withdrawal");
        assertEquals(List.of("(7,ETH,8,12,0,0)", "(8,USDC,6,2000,1000,21)"), first.get(2));
    }
}
