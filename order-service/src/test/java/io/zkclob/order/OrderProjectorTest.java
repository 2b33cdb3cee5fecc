package io.zkclob.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.zkclob.contracts.CancelReason;
import io.zkclob.contracts.Command.PlaceOrder;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.*;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.RejectCode;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import io.zkclob.support.EventFeed.Indexed;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The order store's adapter on a real PostgreSQL with the real migrations: what a user reads back. */
class OrderProjectorTest {
    private static EmbeddedPostgres pg;
    private static DataSource ds;
    private static JdbcClient jdbc;
    private final Map<Long, PlaceOrder> log = new HashMap<>();
    private OrderProjector projector;
    private OrderQueries queries;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = EmbeddedPostgres.start();
        ds = pg.getPostgresDatabase();
        jdbc = JdbcClient.create(ds);
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    @BeforeEach
    void freshSchema() {
        Flyway flyway = Flyway.configure().dataSource(ds).locations("classpath:db/migration/order").cleanDisabled(false).load();
        flyway.clean();
        flyway.migrate();
        PlacedOrders placed = seqs -> {
            Map<Long, PlaceOrder> m = new HashMap<>();
            seqs.forEach(s -> { if (log.containsKey(s)) m.put(s, log.get(s)); });
            return m;
        };
        projector = new OrderProjector(jdbc, new TransactionTemplate(new DataSourceTransactionManager(ds)), placed);
        queries = new OrderQueries(jdbc);
    }

    private static Indexed at(long seq, int index, Event e) {
        return new Indexed(seq, index, e);
    }

    @Test
    void aRejectedOrderReadsBackWhatItsCommandAsked() {
        log.put(7L, new PlaceOrder(7, 0, 42, 1, 99, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 3_000_000_000L, 50_000_000L, 0));
        projector.apply(List.of(at(7, 0, new OrderRejected(7, 42, 1, 99, RejectCode.INSUFFICIENT_FUNDS, 0))), 8);
        OrderQueries.OrderView o = queries.byId(7);
        assertEquals("REJECTED", o.status());
        assertEquals("SELL", o.side());
        assertEquals("LIMIT", o.orderType());
        assertEquals(3_000_000_000L, o.price());
        assertEquals(50_000_000L, o.qty());
        assertEquals(0L, o.quoteQty());
    }

    @Test
    void aRejectedOrderWhoseCommandIsUnknownHasNoMadeUpAmounts() {
        projector.apply(List.of(at(7, 0, new OrderRejected(7, 42, 1, 99, RejectCode.INSUFFICIENT_FUNDS, 0))), 8);
        OrderQueries.OrderView o = queries.byId(7);
        assertNull(o.side());
        assertNull(o.price());
        assertNull(o.qty());
        assertNull(o.quoteQty());
    }

    @Test
    void aCompletedMarketBuyByQuoteIsFilledWithoutACancelReason() {
        // a market buy for 100 USDT of ETH, matched in full against a resting sell; the engine then cancels the
        // "IOC remainder" with nothing left (remainingQty 0 for orders by quote) and releases the dust
        projector.apply(List.of(
                at(10, 0, new OrderAccepted(10, 10, 42, 1, 5, Side.BUY, OrderType.MARKET, TimeInForce.IOC, 0, 0,
                        100_000_000L, 2, 100_200_000L)),
                at(10, 1, new TradeExecuted(10, 1, 3, 41, 10, 42, Side.BUY, 3_000_000_000L, 3_330_000L, 99_900_000L,
                        0, 199_800L, 0, 0)),
                at(10, 2, new OrderCanceled(10, 10, 42, 1, CancelReason.IOC_REMAINDER, 0, 2, 100_200L))), 11);
        OrderQueries.OrderView o = queries.byId(10);
        assertEquals("FILLED", o.status());
        assertNull(o.cancelReason());
    }

    @Test
    void ordersCarryTheEnginesLogTimesOfTheirAcceptanceAndLastChange() {
        projector.apply(List.of(
                new Indexed(10, 0, new OrderAccepted(10, 10, 42, 1, 5, Side.BUY, OrderType.LIMIT, TimeInForce.IOC, 3_000_000_000L,
                        20_000L, 0, 2, 600_000_000L), 1_000),
                new Indexed(10, 1, new TradeExecuted(10, 1, 3, 41, 10, 42, Side.BUY, 3_000_000_000L, 10_000L, 300_000_000L,
                        0, 600_000L, 0, 0), 1_001)), 11);
        OrderQueries.OrderView o = queries.byId(10);
        assertEquals(1_000L, o.createdAtMs());
        assertEquals(1_001L, o.updatedAtMs(), "a fill changes it");
        projector.apply(List.of(new Indexed(10, 2, new OrderCanceled(10, 10, 42, 1, CancelReason.IOC_REMAINDER, 10_000L, 2, 300_000_000L),
                1_002)), 12);
        o = queries.byId(10);
        assertEquals(1_000L, o.createdAtMs(), "never moves");
        assertEquals(1_002L, o.updatedAtMs(), "its end changes it");
    }

    @Test
    void aPartlyFilledIocRemainderIsCanceledWithItsReason() {
        projector.apply(List.of(
                at(10, 0, new OrderAccepted(10, 10, 42, 1, 5, Side.BUY, OrderType.LIMIT, TimeInForce.IOC, 3_000_000_000L,
                        20_000L, 0, 2, 600_000_000L)),
                at(10, 1, new TradeExecuted(10, 1, 3, 41, 10, 42, Side.BUY, 3_000_000_000L, 10_000L, 300_000_000L,
                        0, 600_000L, 0, 0)),
                at(10, 2, new OrderCanceled(10, 10, 42, 1, CancelReason.IOC_REMAINDER, 10_000L, 2, 300_000_000L))), 11);
        OrderQueries.OrderView o = queries.byId(10);
        assertEquals("CANCELED", o.status());
        assertEquals("IOC_REMAINDER", o.cancelReason());
    }

    @Test
    void theResumeOffsetIsCommittedWithTheWritesAndNeverMovesBack() {
        assertEquals(0, projector.nextOffset());
        projector.apply(List.of(at(1, 0, new AssetAdded(1, 1, "ETH", 8))), 5);
        assertEquals(5, projector.nextOffset());
        // a redelivery from an older position changes nothing, the stored position included
        projector.apply(List.of(at(1, 0, new AssetAdded(1, 1, "ETH", 8))), 2);
        assertEquals(5, projector.nextOffset());
        assertEquals(1, jdbc.sql("SELECT COUNT(*) FROM assets").query(Long.class).single());
    }

    @Test
    void fillsOfOneOrderWithinABatchAddUpAndABatchEndsAsEventByEventWould() {
        projector.apply(List.of(
                at(10, 0, new OrderAccepted(10, 10, 42, 1, 5, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 3_000_000_000L,
                        30_000L, 0, 1, 30_000L)),
                at(11, 0, new OrderAccepted(11, 11, 43, 1, 0, Side.BUY, OrderType.LIMIT, TimeInForce.IOC, 3_000_000_000L,
                        10_000L, 0, 2, 300_000_000L)),
                at(11, 1, new TradeExecuted(11, 1, 10, 42, 11, 43, Side.BUY, 3_000_000_000L, 10_000L, 300_000_000L,
                        300_000L, 600_000L, 0, 0)),
                at(12, 0, new OrderAccepted(12, 12, 43, 1, 0, Side.BUY, OrderType.LIMIT, TimeInForce.IOC, 3_000_000_000L,
                        10_000L, 0, 2, 300_000_000L)),
                at(12, 1, new TradeExecuted(12, 1, 10, 42, 12, 43, Side.BUY, 3_000_000_000L, 10_000L, 300_000_000L,
                        300_000L, 600_000L, 0, 0))), 13);
        OrderQueries.OrderView maker = queries.byId(10);
        assertEquals("PARTIALLY_FILLED", maker.status());
        assertEquals(2, jdbc.sql("SELECT COUNT(*) FROM fills WHERE order_id = 10").query(Long.class).single());
        assertEquals(20_000L, jdbc.sql("SELECT filled_qty FROM orders WHERE order_id = 10").query(Long.class).single());
        assertEquals(600_000L, jdbc.sql("SELECT fees_paid FROM orders WHERE order_id = 10").query(Long.class).single());
        assertEquals(12L, jdbc.sql("SELECT updated_seq FROM orders WHERE order_id = 10").query(Long.class).single());
        assertEquals("FILLED", queries.byId(11).status());
        // the last lot in the next poll fills it; a redelivery of the first poll changes nothing
        projector.apply(List.of(
                at(13, 0, new OrderAccepted(13, 13, 43, 1, 0, Side.BUY, OrderType.LIMIT, TimeInForce.IOC, 3_000_000_000L,
                        10_000L, 0, 2, 300_000_000L)),
                at(13, 1, new TradeExecuted(13, 1, 10, 42, 13, 43, Side.BUY, 3_000_000_000L, 10_000L, 300_000_000L,
                        300_000L, 600_000L, 0, 0))), 14);
        projector.apply(List.of(at(11, 1, new TradeExecuted(11, 1, 10, 42, 11, 43, Side.BUY, 3_000_000_000L, 10_000L, 300_000_000L,
                300_000L, 600_000L, 0, 0))), 12);
        assertEquals("FILLED", queries.byId(10).status());
        assertEquals(30_000L, jdbc.sql("SELECT filled_qty FROM orders WHERE order_id = 10").query(Long.class).single());
    }
    /**
     * Orders placed and ended within one poll are written once, with their fills and end folded in; orders placed
     * in an earlier poll are updated. Either way a poll must end as its events one per poll would (and as any split
     * into polls would), and a redelivery changes nothing.
     */
    @Test
    void aPollEndsAsItsEventsOneByOneWouldHoweverTheLogIsSplit() {
        log.put(16L, new PlaceOrder(16, 0, 44, 1, 7, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 2_900_000_000L, 10_000L, 0));
        List<Indexed> events = List.of(
                // two resting sells
                timed(10, 0, new OrderAccepted(10, 10, 42, 1, 5, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 3_000_000_000L, 30_000L, 0, 1, 30_000L)),
                timed(11, 0, new OrderAccepted(11, 11, 41, 1, 6, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 3_000_000_000L, 10_000L, 0, 1, 10_000L)),
                // an IOC buy that takes 10 in part and 11 in full, then its remainder is canceled
                timed(12, 0, new OrderAccepted(12, 12, 43, 1, 0, Side.BUY, OrderType.LIMIT, TimeInForce.IOC, 3_000_000_000L, 50_000L, 0, 2, 1_500_000_000L)),
                timed(12, 1, new TradeExecuted(12, 1, 10, 42, 12, 43, Side.BUY, 3_000_000_000L, 20_000L, 600_000_000L, 300_000L, 600_000L, 0, 0)),
                timed(12, 2, new TradeExecuted(12, 1, 11, 41, 12, 43, Side.BUY, 3_000_000_000L, 10_000L, 300_000_000L, 150_000L, 300_000L, 0, 0)),
                timed(12, 3, new OrderCanceled(12, 12, 43, 1, CancelReason.IOC_REMAINDER, 20_000L, 2, 600_000_000L)),
                // a GTC buy that fills 10's rest in full and rests with what is left
                timed(13, 0, new OrderAccepted(13, 13, 44, 1, 1, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 3_000_000_000L, 15_000L, 0, 2, 450_000_000L)),
                timed(13, 1, new TradeExecuted(13, 1, 10, 42, 13, 44, Side.BUY, 3_000_000_000L, 10_000L, 300_000_000L, 150_000L, 300_000L, 0, 0)),
                // a market buy by quote that spends its budget: filled, without a cancel reason
                timed(14, 0, new OrderAccepted(14, 14, 45, 1, 2, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 3_100_000_000L, 5_000L, 0, 1, 5_000L)),
                timed(15, 0, new OrderAccepted(15, 15, 46, 1, 3, Side.BUY, OrderType.MARKET, TimeInForce.IOC, 0, 0, 155_000_000L, 2, 155_310_000L)),
                timed(15, 1, new TradeExecuted(15, 1, 14, 45, 15, 46, Side.BUY, 3_100_000_000L, 5_000L, 155_000_000L, 77_500L, 310_000L, 0, 0)),
                timed(15, 2, new OrderCanceled(15, 15, 46, 1, CancelReason.IOC_REMAINDER, 0, 2, 0)),
                timed(16, 0, new OrderRejected(16, 44, 1, 7, RejectCode.INSUFFICIENT_FUNDS, 0)),
                // the resting buy is canceled by its owner
                timed(17, 0, new OrderCanceled(17, 13, 44, 1, CancelReason.USER, 5_000L, 2, 150_000_000L)));
        List<List<String>> oneByOne = null;
        for (int split : new int[] {1, events.size(), 3, 6, 9}) {
            freshSchema();
            for (int from = 0; from < events.size(); from += split) {
                int to = Math.min(events.size(), from + split);
                projector.apply(events.subList(from, to), to);
            }
            projector.apply(events, events.size()); // everything again: changes nothing
            List<List<String>> rows = List.of(
                    jdbc.sql("SELECT o::text FROM orders o ORDER BY order_id").query(String.class).list(),
                    jdbc.sql("SELECT f::text FROM fills f ORDER BY seq, event_index, order_id").query(String.class).list());
            if (oneByOne == null) oneByOne = rows;
            else assertEquals(oneByOne, rows, "polls of " + split + " events");
        }
        assertEquals(List.of("(10,42,1,5,SELL,LIMIT,GTC,3000000000,30000,0,30000,900000000,450000,FILLED,,,13,10000,13000)",
                "(11,41,1,6,SELL,LIMIT,GTC,3000000000,10000,0,10000,300000000,150000,FILLED,,,12,11000,12000)",
                "(12,43,1,0,BUY,LIMIT,IOC,3000000000,50000,0,30000,900000000,900000,CANCELED,,IOC_REMAINDER,12,12000,12000)",
                "(13,44,1,1,BUY,LIMIT,GTC,3000000000,15000,0,10000,300000000,300000,CANCELED,,USER,17,13000,17000)",
                "(14,45,1,2,SELL,LIMIT,GTC,3100000000,5000,0,5000,155000000,77500,FILLED,,,15,14000,15000)",
                "(15,46,1,3,BUY,MARKET,IOC,0,0,155000000,5000,155000000,310000,FILLED,,,15,15000,15000)",
                "(16,44,1,7,BUY,LIMIT,GTC,2900000000,10000,0,0,0,0,REJECTED,INSUFFICIENT_FUNDS,,16,16000,16000)"), oneByOne.get(0));
        assertEquals(8, oneByOne.get(1).size());
    }

    /** At the engine's log time seq × 1,000 ms, so that every change of an order shows in its times. */
    private static Indexed timed(long seq, int index, Event e) {
        return new Indexed(seq, index, e, seq * 1_000);
    }
}
