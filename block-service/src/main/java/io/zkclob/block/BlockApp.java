package io.zkclob.block;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** block-service: boots (health, metrics) so the fleet's shape is complete; its behaviour lands with its own issue. */
@SpringBootApplication
public class BlockApp {
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(BlockApp.class);
        app.setDefaultProperties(Map.of("spring.config.name", "block-service"));
        app.run(args);
    }
}
