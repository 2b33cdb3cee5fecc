package io.zkclob.gateway;

import io.zkclob.support.EventFeed;
import io.zkclob.support.KafkaTopics;
import io.zkclob.support.ProblemHandler;
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

    /** Every gateway replays the whole event log into its stream books (its own consumer group each start). */
    @Bean
    EventFeed streamFeed(@Value("${spring.kafka.bootstrap-servers}") String bootstrap, MarketStream stream) {
        return new EventFeed(bootstrap, "gateway-stream-" + java.util.UUID.randomUUID(), stream::onEvents);
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
                          @Value("${kafka.replication:1}") short replication) {
        KafkaTopics.ensure(bootstrap, replication);
        return new CommandLog(bootstrap);
    }
}
