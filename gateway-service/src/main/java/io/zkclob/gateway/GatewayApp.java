package io.zkclob.gateway;

import io.zkclob.contracts.Topics;
import io.zkclob.gateway.ws.WsSessions;
import io.zkclob.support.ConsumerWorker;
import io.zkclob.support.EventFeed;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import io.zkclob.support.KafkaTopics;
import io.zkclob.support.ProblemHandler;
import io.zkclob.support.ServiceToken;
import java.util.Map;
import org.apache.catalina.core.StandardHost;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

/** gateway-service: the public HTTP API (port 8080), OpenAPI at /v3/api-docs, Swagger UI at /swagger-ui.html. */
@SpringBootApplication
@EnableScheduling
@EnableConfigurationProperties(GatewayProperties.class)
@Import(ProblemHandler.class)
public class GatewayApp {
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(GatewayApp.class);
        app.setDefaultProperties(Map.of("spring.config.name", "gateway-service"));
        app.run(args);
    }

    @Bean
    MarketStream marketStream() {
        return new MarketStream();
    }

    /** What the gateway sends to the services' internal endpoints (they refuse requests without it). */
    @Bean
    ServiceToken serviceToken(org.springframework.core.env.Environment env) {
        return ServiceToken.from(env);
    }

    @Bean
    OrderVerdicts orderVerdicts() {
        return new OrderVerdicts();
    }

    @Bean
    FundsView fundsView(@Value("${spring.kafka.bootstrap-servers}") String bootstrap) {
        return new FundsView(() -> eventsEnd(bootstrap));
    }

    /**
     * Every gateway replays the whole event log into its funds view, its stream books and its WebSocket execution
     * reports, from one consumer (each parses every event once); each keeps its own (seq, index) watermark.
     */
    @Bean
    EventFeed streamFeed(@Value("${spring.kafka.bootstrap-servers}") String bootstrap, MarketStream stream, FundsView funds,
                         WsSessions sessions, OrderVerdicts verdicts) {
        EventFeed feed = new EventFeed(bootstrap, "gateway-stream-" + java.util.UUID.randomUUID(), new EventFeed.Projection() {
            @Override
            public long nextOffset() {
                return funds.nextOffset();
            }

            @Override
            public void apply(List<EventFeed.Indexed> batch, long nextOffset) {
                funds.apply(batch, nextOffset);
                stream.onEvents(batch);
                sessions.onEvents(batch); // after the funds view: a report never precedes the balance it implies
                verdicts.onEvents(batch);
            }
        });
        feed.setFetchWaitMs(10); // execution reports and the funds a verdict releases: clients wait on this one
        return feed;
    }

    /** The end of exchange.events now, as a read_committed consumer sees it. */
    static long eventsEnd(String bootstrap) {
        Properties p = ConsumerWorker.consumerProps(bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        TopicPartition events = new TopicPartition(Topics.EVENTS, 0);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            return c.endOffsets(List.of(events), Duration.ofSeconds(10)).get(events);
        }
    }

    /** Tomcat's own refusals (malformed paths, oversized headers) as problem details, not its HTML page. */
    @Bean
    static WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) host.setErrorReportValveClass(ProblemReportValve.class.getName());
        });
    }

    @Bean(destroyMethod = "close")
    CommandLog commandLog(@Value("${spring.kafka.bootstrap-servers}") String bootstrap,
                          @Value("${kafka.replication:1}") short replication,
                          @Value("${gateway.log.linger-ms:" + CommandLog.LINGER_MS + "}") int lingerMs,
                          @Value("${gateway.log.max-in-flight:" + CommandLog.MAX_IN_FLIGHT + "}") int maxInFlight) {
        KafkaTopics.ensure(bootstrap, replication);
        return new CommandLog(bootstrap, lingerMs, maxInFlight);
    }
}
