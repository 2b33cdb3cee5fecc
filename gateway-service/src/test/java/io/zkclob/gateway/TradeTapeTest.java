package io.zkclob.gateway;

import static org.junit.jupiter.api.Assertions.*;

import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.Deposited;
import io.zkclob.contracts.Event.TradeExecuted;
import io.zkclob.contracts.Side;
import io.zkclob.support.EventFeed.Indexed;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The trade tape's adapter on a real PostgreSQL with the gateway's migrations: trades, candles, position, redelivery. */
class TradeTapeTest {
    private static EmbeddedPostgres pg;
    private static DataSource ds;
    private static JdbcClient jdbc;
    private TradeTape tape;
    static final long MINUTE = 60_000;
    static final long T0 = 1_790_000_000_000L - 1_790_000_000_000L % 86_400_000L; // a UTC midnight

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
        Flyway flyway = Flyway.configure().dataSource(ds).locations("classpath:db/migration/gateway").cleanDisabled(false).load();
        flyway.clean();
        flyway.migrate();
        tape = new TradeTape(jdbc, new TransactionTemplate(new DataSourceTransactionManager(ds)));
    }

    static Indexed trade(long seq, int index, long price, long qty, long timeMs) {
        Event e = new TradeExecuted(seq, 1, 100 + seq, 7, seq, 8, Side.BUY, price, qty, price * qty / 100_000_000, 1, 2, 0, 0);
        return new Indexed(seq, index, e, timeMs);
    }

    @Test
    void tradesAndCandlesAreWrittenWithTheLogTimeAndThePosition() {
        assertEquals(0, tape.nextOffset());
        tape.apply(List.of(trade(10, 0, 3_000_000_000L, 50_000_000L, T0 + 5_000),
                new Indexed(11, 0, new Deposited(11, 7, 2, 5, 1), T0 + 6_000),
                trade(12, 0, 3_100_000_000L, 10_000_000L, T0 + 50_000),
                trade(12, 1, 2_900_000_000L, 10_000_000L, T0 + MINUTE + 1)), 20);
        assertEquals(20, tape.nextOffset());
        assertEquals(12, tape.appliedSeq());
        List<TradeTape.Trade> recent = tape.recent(1, null, 10);
        assertEquals(3, recent.size());
        assertEquals(T0 + 5_000, recent.getFirst().timeMs());
        assertTrue(recent.get(0).tradeId() < recent.get(1).tradeId(), "oldest first, ids in log order");
        List<TradeTape.Candle> minutes = tape.candles(1, MINUTE, null, null, 10);
        assertEquals(2, minutes.size());
        TradeTape.Candle first = minutes.getFirst();
        assertEquals(T0, first.openTimeMs());
        assertEquals(3_000_000_000L, first.open());
        assertEquals(3_100_000_000L, first.high());
        assertEquals(3_000_000_000L, first.low());
        assertEquals(3_100_000_000L, first.close());
        assertEquals(new BigDecimal(60_000_000L), first.volumeQty());
        assertEquals(2, first.trades());
        List<TradeTape.Candle> days = tape.candles(1, 86_400_000L, null, null, 10);
        assertEquals(1, days.size());
        assertEquals(2_900_000_000L, days.getFirst().low());
        assertEquals(2_900_000_000L, days.getFirst().close());
        assertEquals(3, days.getFirst().trades());
    }

    @Test
    void aRedeliveredBatchChangesNothing() {
        List<Indexed> batch = List.of(trade(10, 0, 3_000_000_000L, 50_000_000L, T0), trade(11, 0, 3_000_000_000L, 50_000_000L, T0 + 1));
        tape.apply(batch, 5);
        tape.apply(batch, 5);
        tape.apply(List.of(batch.get(1), trade(12, 0, 3_000_000_000L, 50_000_000L, T0 + 2)), 6);
        assertEquals(3, tape.recent(1, null, 10).size());
        assertEquals(3, tape.candles(1, MINUTE, null, null, 10).getFirst().trades());
        assertEquals(new BigDecimal(150_000_000L), tape.candles(1, MINUTE, null, null, 10).getFirst().volumeQty());
    }

    @Test
    void anAccountSeesItsTradesAsMakerAndTaker() {
        tape.apply(List.of(trade(10, 0, 3_000_000_000L, 50_000_000L, T0), trade(11, 0, 3_000_000_000L, 50_000_000L, T0 + 1)), 5);
        assertEquals(2, tape.ofAccount(7, 1, null, null, null, null, 10).size()); // maker of both
        assertEquals(2, tape.ofAccount(8, 1, null, null, null, null, 10).size()); // taker of both
        assertEquals(1, tape.ofAccount(8, 1, 11L, null, null, null, 10).size()); // order 11 is the second taker
        assertEquals(0, tape.ofAccount(9, 1, null, null, null, null, 10).size());
        assertEquals(1, tape.ofAccount(7, 1, null, null, T0 + 1, null, 10).size());
        assertEquals(1, tape.ofAccount(7, 1, null, null, null, null, 1).size());
        assertEquals(11, tape.ofAccount(7, 1, null, null, null, null, 1).getFirst().seq(), "the latest, without a start");
        assertEquals(1, tape.ofOrder(110, 10).size());
    }
}
