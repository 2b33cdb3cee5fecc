package io.zkclob.matching;

import io.micrometer.core.instrument.MeterRegistry;
import io.zkclob.support.InternalEndpointGuard;
import io.zkclob.support.KafkaTopics;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** matching-service: one replica only (the command log has one partition and one writer of events). */
@SpringBootApplication
@EnableConfigurationProperties(MatcherProperties.class)
@Import(InternalEndpointGuard.class)
public class MatchingApp {
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(MatchingApp.class);
        app.setDefaultProperties(Map.of("spring.config.name", "matching-service"));
        app.run(args);
    }

    @Bean
    Matcher matcher(MatcherProperties props, @Value("${spring.kafka.bootstrap-servers}") String bootstrap,
                    @Value("${kafka.replication:1}") short replication, SnapshotStore store, MeterRegistry meters) {
        KafkaTopics.ensure(bootstrap, replication);
        return new Matcher(props, bootstrap, store, meters);
    }

    @Bean
    SmartLifecycle matcherThread(Matcher matcher) {
        return new SmartLifecycle() {
            private Thread thread;

            @Override
            public void start() {
                thread = new Thread(matcher, "matcher");
                thread.start();
            }

            @Override
            public void stop() {
                matcher.stop();
                try {
                    thread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public boolean isRunning() {
                return thread != null && thread.isAlive();
            }
        };
    }

    @Bean
    HealthIndicator matcherHealth(Matcher matcher) {
        return () -> matcher.ready() ? Health.up().withDetail("appliedSeq", matcher.appliedSeq()).build()
                : Health.outOfService().withDetail("reason", "recovering or stopped").build();
    }

    @RestController
    static class Status {
        private final Matcher matcher;

        Status(Matcher matcher) {
            this.matcher = matcher;
        }

        @GetMapping("/internal/matcher")
        Map<String, Object> status() {
            return Map.of("ready", matcher.ready(), "appliedSeq", matcher.appliedSeq());
        }
    }
}
