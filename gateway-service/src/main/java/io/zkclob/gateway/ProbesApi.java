package io.zkclob.gateway;

import java.util.Map;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The liveness and readiness probes on the public port, at the paths every deployment already uses. The rest of
 * the actuator (metrics, Prometheus, the full health tree) lives on the management port, bound to loopback by
 * default (gateway-service.properties), because it tells an attacker what the exchange is doing.
 */
@RestController
class ProbesApi {
    record Probe(String status) {}

    private final ApplicationAvailability availability;

    ProbesApi(ApplicationAvailability availability) {
        this.availability = availability;
    }

    @GetMapping("/actuator/health/liveness")
    ResponseEntity<Probe> liveness() {
        return answer(availability.getLivenessState() == LivenessState.CORRECT);
    }

    @GetMapping("/actuator/health/readiness")
    ResponseEntity<Probe> readiness() {
        return answer(availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC);
    }

    private static ResponseEntity<Probe> answer(boolean up) {
        return ResponseEntity.status(up ? 200 : 503).body(new Probe(up ? "UP" : "DOWN"));
    }
}
