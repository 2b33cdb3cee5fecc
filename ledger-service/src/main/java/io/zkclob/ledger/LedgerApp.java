package io.zkclob.ledger;

import io.micrometer.core.instrument.MeterRegistry;
import io.zkclob.support.EventFeed;
import io.zkclob.support.InternalEndpointGuard;
import io.zkclob.support.KafkaTopics;
import io.zkclob.support.ProblemHandler;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** ledger-service: balances (available and locked) and an immutable journal, from the engine's events. */
@SpringBootApplication
@Import({ProblemHandler.class, InternalEndpointGuard.class})
public class LedgerApp {
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(LedgerApp.class);
        app.setDefaultProperties(Map.of("spring.config.name", "ledger-service"));
        app.run(args);
    }

    @Bean
    EventFeed ledgerFeed(@Value("${spring.kafka.bootstrap-servers}") String bootstrap,
                         @Value("${kafka.replication:1}") short replication, LedgerWriter writer, MeterRegistry meters) {
        KafkaTopics.ensure(bootstrap, replication);
        EventFeed feed = new EventFeed(bootstrap, "ledger", writer);
        meters.gauge("ledger.consumer.lag", feed.lag());
        return feed;
    }
}
