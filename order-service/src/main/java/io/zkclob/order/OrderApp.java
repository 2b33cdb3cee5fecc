package io.zkclob.order;

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

/** order-service: orders as users see them (status, fills, history), markets and depth, from the event log. */
@SpringBootApplication
@Import({ProblemHandler.class, InternalEndpointGuard.class})
public class OrderApp {
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(OrderApp.class);
        app.setDefaultProperties(Map.of("spring.config.name", "order-service"));
        app.run(args);
    }

    @Bean(destroyMethod = "close")
    CommandLogReader placedOrders(@Value("${spring.kafka.bootstrap-servers}") String bootstrap) {
        return new CommandLogReader(bootstrap);
    }

    @Bean
    EventFeed orderFeed(@Value("${spring.kafka.bootstrap-servers}") String bootstrap,
                         @Value("${kafka.replication:1}") short replication, OrderProjector writer, MeterRegistry meters) {
        KafkaTopics.ensure(bootstrap, replication);
        EventFeed feed = new EventFeed(bootstrap, "orders", writer);
        meters.gauge("orders.consumer.lag", feed.lag());
        return feed;
    }
}
