package io.zkclob.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkclob.contracts.Event.BlockSealed;
import io.zkclob.contracts.Event.OrderAccepted;
import io.zkclob.contracts.Event.TradeExecuted;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import io.zkclob.support.EventFeed.Indexed;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The block chain's outbox on a real PostgreSQL: a header whose send was lost is published after a restart. */
class BlockChainTest {
    private static final String ROOT = "ab".repeat(32);
    private static EmbeddedPostgres pg;
    private static DataSource ds;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = EmbeddedPostgres.start();
        ds = pg.getPostgresDatabase();
        Flyway.configure().dataSource(ds).locations("classpath:db/migration/blocks").load().migrate();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    private static BlockChain chain(BlockChain.Publisher publisher) {
        return chain(ds, publisher);
    }

    private static BlockChain chain(DataSource ds, BlockChain.Publisher publisher) {
        return new BlockChain(JdbcClient.create(ds), new TransactionTemplate(new DataSourceTransactionManager(ds)), publisher);
    }

    @Test
    void theExplorerListsABlocksTradesOnceWhateverTheRedeliveries() {
        // given: a block (seqs 10..12) with an order accepted, a trade and the seal, delivered twice
        List<Indexed> batch = List.of(
                new Indexed(10, 0, new OrderAccepted(10, 10, 7, 1, 1, Side.SELL, OrderType.LIMIT, TimeInForce.GTC, 300, 5, 0, 2, 5)),
                new Indexed(11, 0, new OrderAccepted(11, 11, 8, 1, 2, Side.BUY, OrderType.LIMIT, TimeInForce.GTC, 300, 5, 0, 1, 1_500)),
                new Indexed(11, 1, new TradeExecuted(11, 1, 10, 7, 11, 8, Side.BUY, 300, 5, 1_500, 1, 2, 0, 0)),
                new Indexed(12, 0, new BlockSealed(12, 1, 10, 12, 1_000, 3, 4, ROOT, ROOT, ROOT)));
        JdbcClient.create(ds).sql("CREATE DATABASE explorer").update(); // its own chain, apart from the other test's
        DataSource explorer = pg.getDatabase("postgres", "explorer");
        Flyway.configure().dataSource(explorer).locations("classpath:db/migration/blocks").load().migrate();
        BlockChain chain = chain(explorer, (k, v) -> { });
        chain.apply(batch, 4);
        chain.apply(batch, 4);
        // then: the block's trades are that one trade, as its event's JSON
        List<Object> trades = new BlocksApi(JdbcClient.create(explorer)).trades(1);
        assertEquals(1, trades.size());
        assertEquals("TradeExecuted", ((tools.jackson.databind.JsonNode) trades.get(0)).get("type").asString());
        assertEquals(1_500, ((tools.jackson.databind.JsonNode) trades.get(0)).get("quoteAmount").asLong());
    }

    @Test
    void aHeaderNotSentBeforeACrashIsSentOnceAfterTheRestart() {
        // given: the broker is unreachable when block 1 is stored (the same as a crash right after the commit)
        chain((k, v) -> { throw new IOException("broker down"); })
                .apply(List.of(new Indexed(5, 0, new BlockSealed(5, 1, 0, 5, 1_000, 6, 7, ROOT, ROOT, ROOT))), 9);
        JdbcClient jdbc = JdbcClient.create(ds);
        assertEquals(1, jdbc.sql("SELECT COUNT(*) FROM blocks").query(Long.class).single());
        assertEquals(9, chain((k, v) -> { }).nextOffset());
        // when: the service restarts and its relay runs
        List<String> sent = new ArrayList<>();
        BlockChain restarted = chain((k, v) -> sent.add(k + "=" + v));
        restarted.relayTick();
        restarted.relayTick();
        // then: the header went out exactly once and is marked sent
        assertEquals(1, sent.size());
        assertTrue(sent.get(0).startsWith("1={\"height\":1,"), sent.get(0));
        assertEquals(0, jdbc.sql("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").query(Long.class).single());
        // and a redelivered BlockSealed publishes nothing new
        restarted.apply(List.of(new Indexed(5, 0, new BlockSealed(5, 1, 0, 5, 1_000, 6, 7, ROOT, ROOT, ROOT))), 9);
        assertEquals(1, sent.size());
    }
}
