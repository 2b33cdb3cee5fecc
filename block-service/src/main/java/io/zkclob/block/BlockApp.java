package io.zkclob.block;

import io.zkclob.contracts.Topics;
import io.zkclob.support.EventFeed;
import io.zkclob.support.InternalEndpointGuard;
import io.zkclob.support.KafkaClients;
import io.zkclob.support.KafkaTopics;
import io.zkclob.support.ProblemHandler;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.transaction.support.TransactionTemplate;

/** block-service: hash-chained blocks from the log, persisted, published on exchange.blocks, served to the explorer. */
@SpringBootApplication
@EnableScheduling
@Import({ProblemHandler.class, InternalEndpointGuard.class})
public class BlockApp {
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(BlockApp.class);
        app.setDefaultProperties(Map.of("spring.config.name", "block-service"));
        app.run(args);
    }

    @Bean(destroyMethod = "close")
    KafkaProducer<String, String> blockProducer(@Value("${spring.kafka.bootstrap-servers}") String bootstrap,
                                                @Value("${kafka.replication:1}") short replication) {
        KafkaTopics.ensure(bootstrap, replication);
        return KafkaClients.producer(bootstrap);
    }

    @Bean
    BlockChain blockChain(JdbcClient jdbc, TransactionTemplate tx, KafkaProducer<String, String> producer) {
        // Wait for the broker's acknowledgement, so the outbox marks only what is on the topic.
        return new BlockChain(jdbc, tx, (key, value) -> producer.send(new ProducerRecord<>(Topics.BLOCKS, key, value))
                .get(30, TimeUnit.SECONDS));
    }

    @Bean
    EventFeed blockEvents(@Value("${spring.kafka.bootstrap-servers}") String bootstrap, BlockChain chain) {
        return new EventFeed(bootstrap, "blocks", chain);
    }

    @Bean
    CommandArchive commandArchive(@Value("${spring.kafka.bootstrap-servers}") String bootstrap, JdbcClient jdbc,
                                  org.springframework.jdbc.core.JdbcTemplate batches, TransactionTemplate tx) {
        return new CommandArchive(bootstrap, jdbc, batches, tx);
    }
}
