package io.zkclob.prover;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** prover-service: boots (health, metrics) so the fleet's shape is complete; its behaviour lands with its own issue. */
@SpringBootApplication
public class ProverApp {
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(ProverApp.class);
        app.setDefaultProperties(Map.of("spring.config.name", "prover-service"));
        app.run(args);
    }
}
