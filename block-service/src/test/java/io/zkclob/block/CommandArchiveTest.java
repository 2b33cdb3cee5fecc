package io.zkclob.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.List;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The command archive keeps its position with its rows: a restart resumes where the database says. */
class CommandArchiveTest {
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

    @Test
    void thePositionIsStoredWithTheCommandsAndARedeliveryChangesNothing() {
        JdbcClient jdbc = JdbcClient.create(ds);
        CommandArchive archive = new CommandArchive("unused:9092", jdbc, new org.springframework.jdbc.core.JdbcTemplate(ds), new TransactionTemplate(new DataSourceTransactionManager(ds)));
        assertEquals(0, archive.nextOffset());
        TopicPartition log = new TopicPartition("exchange.commands", 0);
        byte[] cmd = "{\"type\":\"AddAsset\",\"seq\":-1,\"timestampMs\":0,\"assetId\":1,\"symbol\":\"ETH\",\"scale\":8}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<ConsumerRecord<String, byte[]>> records = List.of(
                new ConsumerRecord<>(log.topic(), 0, 0, "0", cmd), new ConsumerRecord<>(log.topic(), 0, 1, "0", cmd));
        archive.store(records, 2);
        archive.store(records, 1); // an older redelivery
        assertEquals(2, archive.nextOffset());
        assertEquals(2, jdbc.sql("SELECT COUNT(*) FROM commands").query(Long.class).single());
    }
}
