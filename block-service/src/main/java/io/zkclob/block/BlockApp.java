package io.zkclob.block;

import io.zkclob.support.EventFeed;
import io.zkclob.support.KafkaTopics;
import io.zkclob.support.ProblemHandler;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** block-service: hash-chained blocks from the log, persisted, published on exchange.blocks, served to the explorer. */
@SpringBootApplication
@Import(ProblemHandler.class)
public class BlockApp {
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(BlockApp.class);
        app.setDefaultProperties(Map.of("spring.config.name", "block-service"));
        app.run(args);
    }

    @Bean(destroyMethod = "close")
    BlockChain blockChain(JdbcClient jdbc, TransactionTemplate tx, @Value("${spring.kafka.bootstrap-servers}") String bootstrap,
                          @Value("${kafka.replication:1}") short replication) {
        KafkaTopics.ensure(bootstrap, replication);
        return new BlockChain(jdbc, tx, bootstrap);
    }

    @Bean
    EventFeed blockEvents(@Value("${spring.kafka.bootstrap-servers}") String bootstrap, BlockChain chain) {
        return new EventFeed(bootstrap, "blocks", chain::onEvents);
    }

    @Bean
    CommandArchive commandArchive(@Value("${spring.kafka.bootstrap-servers}") String bootstrap, JdbcClient jdbc) {
        return new CommandArchive(bootstrap, jdbc);
    }
}
