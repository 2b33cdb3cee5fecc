package io.zkclob.block;

import static io.zkclob.support.KafkaBroker.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zkclob.contracts.Topics;
import io.zkclob.support.KafkaBroker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The command archive as the service runs it (Spring Kafka container, real broker, real PostgreSQL): it resumes at
 * its database's position whatever Kafka's group offset says, archives a record that is not a command as
 * Malformed (nothing is parked: the log is what it is), and a redelivery adds nothing.
 */
class CommandArchiveFeedTest {
    private static final String CMD = "{\"type\":\"AddAsset\",\"seq\":-1,\"timestampMs\":0,\"assetId\":1,\"symbol\":\"ETH\",\"scale\":8}";
    private static EmbeddedPostgres pg;
    private static DataSource ds;
    private static KafkaBroker kafka;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.start();
        ds = pg.getPostgresDatabase();
        Flyway.configure().dataSource(ds).locations("classpath:db/migration/blocks").load().migrate();
        kafka = KafkaBroker.start();
    }

    @AfterAll
    static void stop() throws Exception {
        kafka.close();
        pg.close();
    }

    @Test
    void aRestartResumesAtTheDatabasesPositionAndARedeliveryAddsNothing() {
        JdbcClient jdbc = JdbcClient.create(ds);
        CommandArchive archive = new CommandArchive(kafka.bootstrap(), jdbc, new JdbcTemplate(ds), new TransactionTemplate(new DataSourceTransactionManager(ds)));
        kafka.send(Topics.COMMANDS, "1", CMD);
        kafka.send(Topics.COMMANDS, "1", "not a command");
        archive.start();
        try {
            await("two commands archived", () -> archive.nextOffset() == 2);
        } finally {
            archive.stop();
        }
        // while the archive is down: two more, and Kafka's group offset says they were consumed
        kafka.send(Topics.COMMANDS, "1", CMD);
        kafka.send(Topics.COMMANDS, "1", CMD);
        kafka.commit("blocks-commands", Topics.COMMANDS, 4);
        // and the database's position went back one (a redelivery of the Malformed record)
        jdbc.sql("UPDATE feed_position SET next_offset = 1 WHERE feed = 'commands'").update();
        archive.start();
        try {
            await("four commands archived", () -> archive.nextOffset() == 4);
        } finally {
            archive.stop();
        }
        assertEquals(4, jdbc.sql("SELECT COUNT(*) FROM commands").query(Long.class).single());
        assertEquals("Malformed", jdbc.sql("SELECT type FROM commands WHERE seq = 1").query(String.class).single());
        assertEquals(0, archive.parked());
    }
}
