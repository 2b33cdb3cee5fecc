package io.zkclob.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkclob.contracts.Event.AssetAdded;
import io.zkclob.contracts.Event.Deposited;
import io.zkclob.support.EventFeed.Indexed;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
        Flyway.configure().dataSource(ds).locations("classpath:db/migration/ledger").load().migrate();
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
}
