package io.zkclob.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.ApplicationAvailabilityBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;

/** Issue 11 #10: metrics and Prometheus were public on the gateway's API port. */
class GatewayConfigTest {
    static Properties props() throws IOException {
        Properties p = new Properties();
        try (InputStream in = GatewayConfigTest.class.getResourceAsStream("/gateway-service.properties")) {
            p.load(in);
        }
        return p;
    }

    @Test
    void theActuatorListensOnALoopbackManagementPortByDefault() throws IOException {
        Properties p = props();
        assertEquals("${GATEWAY_MANAGEMENT_PORT:0}", p.getProperty("management.server.port"), "never the public server.port");
        assertEquals("${GATEWAY_MANAGEMENT_ADDRESS:127.0.0.1}", p.getProperty("management.server.address"));
    }

    @Test
    void probesStayOnThePublicPort() {
        ApplicationAvailabilityBean availability = new ApplicationAvailabilityBean();
        ProbesApi probes = new ProbesApi(availability);
        assertEquals(503, probes.liveness().getStatusCode().value(), "not live before the application says so");
        availability.onApplicationEvent(new AvailabilityChangeEvent<>(this, LivenessState.CORRECT));
        assertEquals(200, probes.liveness().getStatusCode().value());
        assertEquals(503, probes.readiness().getStatusCode().value(), "not ready before the application says so");
        availability.onApplicationEvent(new AvailabilityChangeEvent<>(this, ReadinessState.ACCEPTING_TRAFFIC));
        assertEquals(200, probes.readiness().getStatusCode().value());
    }

    @Test
    void theGatewayParsesNoMultipartBodies() throws IOException {
        assertEquals("false", props().getProperty("spring.servlet.multipart.enabled"));
    }
}
