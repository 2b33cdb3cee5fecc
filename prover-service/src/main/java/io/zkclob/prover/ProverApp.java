package io.zkclob.prover;

import io.micrometer.core.instrument.MeterRegistry;
import io.zkclob.support.EventFeed;
import io.zkclob.support.InternalEndpointGuard;
import io.zkclob.support.KafkaTopics;
import io.zkclob.support.ProblemHandler;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.transaction.support.TransactionTemplate;

/** prover-service: cuts the log into block ranges, executes each in the SP1 guest, proves and publishes. */
@SpringBootApplication
@EnableScheduling
@EnableConfigurationProperties(ProverProperties.class)
@Import({ProblemHandler.class, InternalEndpointGuard.class})
public class ProverApp {
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(ProverApp.class);
        app.setDefaultProperties(Map.of("spring.config.name", "prover-service"));
        app.run(args);
    }

    @Bean
    ProverCli proverCli(ProverProperties props) {
        return new ProverCli(props);
    }

    /** Which replica cuts and executes ranges: a PostgreSQL advisory lock on its own connection. */
    @Bean(destroyMethod = "close")
    LeaderLock leaderLock(@Value("${spring.datasource.url}") String url, @Value("${spring.datasource.username}") String user,
                          @Value("${spring.datasource.password}") String password) {
        return new LeaderLock(url, user, password);
    }

    /** This replica's name in its claims: configured, else the host name (stable across its restarts). */
    static String replicaId(ProverProperties props) {
        if (props.replicaId() != null && !props.replicaId().isBlank()) return props.replicaId();
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "prover";
        }
    }

    @Bean(destroyMethod = "close")
    ZkPipeline zkPipeline(ProverProperties props, ProverCli cli, JdbcClient jdbc,
                          @Value("${spring.kafka.bootstrap-servers}") String bootstrap,
                          @Value("${kafka.replication:1}") short replication, MeterRegistry meters, TransactionTemplate tx,
                          LeaderLock leader) {
        KafkaTopics.ensure(bootstrap, replication);
        ZkPipeline pipeline = new ZkPipeline(props, cli, jdbc, tx, bootstrap, meters, replicaId(props), leader);
        pipeline.recover(); // before any scheduled step runs: nothing is proving yet
        return pipeline;
    }

    @Bean
    EventFeed proverHeaders(@Value("${spring.kafka.bootstrap-servers}") String bootstrap, ZkPipeline pipeline) {
        return new EventFeed(bootstrap, "prover", pipeline);
    }

    @Bean
    RangeBuilder rangeBuilder(ProverProperties props, @Value("${spring.kafka.bootstrap-servers}") String bootstrap, JdbcClient jdbc,
                              TransactionTemplate tx, LeaderLock leader) {
        return new RangeBuilder(props, bootstrap, jdbc, tx, leader);
    }
}
