package io.zkclob.launcher;

import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Where the end-to-end tests get PostgreSQL and Kafka: real containers (postgres:17, apache/kafka) when a
 * Docker engine answers, the embedded default (zonky PostgreSQL 17, in-process KRaft broker) otherwise.
 * Force one with -Dtest.infra=docker|embedded. The test classes are the same either way.
 */
final class TestInfra {
    private TestInfra() {}

    static boolean docker() {
        String mode = System.getProperty("test.infra", "auto");
        if (mode.equals("embedded")) return false;
        if (mode.equals("docker")) return true;
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    static Launcher launcher(Path data, Launcher.Ports ports) {
        Launcher launcher = new Launcher(data, ports);
        if (!docker()) {
            System.out.println("TESTINFRA mode=EMBEDDED (zonky PostgreSQL 17, in-process KRaft Kafka)");
            return launcher;
        }
        PostgreSQLContainer pg = new PostgreSQLContainer("postgres:17-alpine");
        KafkaContainer kafka = new KafkaContainer("apache/kafka:4.1.2");
        pg.start();
        kafka.start();
        System.out.println("TESTINFRA mode=DOCKER (" + pg.getJdbcUrl() + ", " + kafka.getBootstrapServers() + ")");
        String base = "jdbc:postgresql://" + pg.getHost() + ":" + pg.getMappedPort(5432) + "/";
        return launcher.withExternalInfra(new Launcher.ExternalInfra(base, pg.getUsername(), pg.getPassword(),
                kafka.getBootstrapServers()));
    }
}
